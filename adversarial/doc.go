// Package adversarial holds the reliability suite of issue 9: every plugin,
// through its built binary, against sample servers broken in hostile ways
// (garbage, huge lines, FIFOs, loops, permissions, odd mtimes), and the
// proof that no plugin writes under msg-svr-base. The tests live in
// _test.go files; this file only names the package.
package adversarial
