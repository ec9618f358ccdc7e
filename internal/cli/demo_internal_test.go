package cli

import (
	"net"
	"slices"
	"testing"
)

func TestDemoOrigins(t *testing.T) {
	tests := []struct {
		name, publicURL string
		addr            net.Addr
		want            []string
	}{
		{"port 80 is left out, as browsers do", "http://localhost", &net.TCPAddr{IP: net.IPv6loopback, Port: 80},
			[]string{"http://localhost", "http://[::1]", "http://127.0.0.1"}},
		{"a LAN address gets no loopback names", "https://comments.example.com", &net.TCPAddr{IP: net.IPv4(192, 168, 1, 5), Port: 8080},
			[]string{"https://comments.example.com", "http://192.168.1.5:8080"}},
		{"every interface", "http://localhost:8080", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080},
			[]string{"http://localhost:8080", "http://[::]:8080", "http://127.0.0.1:8080", "http://[::1]:8080", "http://0.0.0.0:8080"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := demoOrigins(tt.publicURL, tt.addr); !slices.Equal(got, tt.want) {
				t.Errorf("demoOrigins = %q, want %q", got, tt.want)
			}
		})
	}
}
