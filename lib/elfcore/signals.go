package elfcore

import "fmt"

// Signal numbers differ between the systems above 8 (SIGBUS is 7 on Linux
// x86 and ARM, 10 on Solaris); these tables name the ones a crashing
// daemon dies of, and the rest by number.
var (
	linuxSignals = map[int]string{
		1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
		7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2",
		13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 24: "SIGXCPU", 25: "SIGXFSZ", 31: "SIGSYS",
	}
	solarisSignals = map[int]string{
		1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
		7: "SIGEMT", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGBUS", 11: "SIGSEGV", 12: "SIGSYS",
		13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 16: "SIGUSR1", 17: "SIGUSR2", 30: "SIGXCPU", 31: "SIGXFSZ",
	}
)

// SignalName names signal sig of the given system: "SIGSEGV", or
// "signal 42" when the table lacks it, or "" for 0.
func SignalName(os OS, sig int) string {
	if sig <= 0 {
		return ""
	}
	table := linuxSignals
	if os == Solaris {
		table = solarisSignals
	}
	if n, ok := table[sig]; ok {
		return n
	}
	return fmt.Sprintf("signal %d", sig)
}
