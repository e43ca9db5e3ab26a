// Package adversarial holds the reliability suite: every plugin,
// through its built binary, against sample servers broken in hostile ways.
// The tests live in _test.go files:
//
//   - TestHostileInputs (suite_test.go): the 14 mutations of
//     mutations_test.go (garbage, a 10 MB line, FIFOs, loops, permission
//     denied as nobody, odd mtimes, ...) applied to each input a plugin
//     reads, declared in subjects_<plugin>_test.go with the exit code
//     expected for every mutation and whether line 1 (or the output) must
//     name the path; every run must keep the output contract (line 1
//     format, state = exit code, no control characters, no '|' in long
//     output, < 8 KiB, no Go trace, nothing on stderr, done within the
//     timeout + 1 s).
//   - TestNeverOKWhenBlind: the plugin's own input, msg-svr-base and its
//     data directory unreadable to the monitoring user: never OK.
//   - TestReadOnly (readonly_test.go): every plugin in every mode, twice,
//     changes nothing under the sample server (paths, sizes, modes, mtimes,
//     hashes); state files only in --state-dir, mode 0600 or 0640.
//   - TestStateSurvivesCrashes (state_test.go): SIGKILL at random points
//     never leaves a half-written state file.
//   - TestHostileText (output_test.go): '|', escapes, newlines and invalid
//     UTF-8 in file names, log lines, user ids and tool output.
//   - TestNoShellInProgramPaths (commands_test.go): shell syntax in
//     --reconstruct and --stored-cmd runs nothing; the rest of "safe with
//     external commands" is referenced there.
//
// `go test -v -run TestCaseTable ./test/adversarial` prints the table of cases.
// The permission cases need root (to run the plugin as nobody through
// setpriv) and are skipped otherwise.
package adversarial
