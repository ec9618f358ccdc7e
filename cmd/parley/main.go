// Command parley is the Parley comment server and its administration tool.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/parleyhq/parley/internal/cli"
)

func main() {
	err := cli.Run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	if errors.Is(err, cli.ErrUsage) {
		if err != cli.ErrUsage {
			fmt.Fprintln(os.Stderr, "parley:", err)
		}
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "parley:", err)
	os.Exit(1)
}
