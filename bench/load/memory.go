package load

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// Memory is a process's resident memory, in bytes.
type Memory struct {
	RSS  int64 // now (VmRSS)
	Peak int64 // the most it ever held (VmHWM)
}

// ReadMemory reads the memory of the local process pid from
// /proc/PID/status (Linux only).
func ReadMemory(pid int) (Memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Memory{}, fmt.Errorf("load: memory of process %d: %w", pid, err)
	}
	return parseStatus(b)
}

// parseStatus reads VmRSS and VmHWM ("VmRSS:    12345 kB") out of a
// /proc/PID/status file.
func parseStatus(b []byte) (Memory, error) {
	var m Memory
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) != 3 || string(f[2]) != "kB" {
			continue
		}
		kb, err := strconv.ParseInt(string(f[1]), 10, 64)
		if err != nil {
			return m, fmt.Errorf("load: %s: %w", f[0], err)
		}
		switch string(f[0]) {
		case "VmRSS:":
			m.RSS, found = kb<<10, found+1
		case "VmHWM:":
			m.Peak, found = kb<<10, found+1
		}
	}
	if found != 2 {
		return m, fmt.Errorf("load: no VmRSS and VmHWM in the status")
	}
	return m, nil
}

// MiB formats bytes as mebibytes for a report.
func MiB(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
