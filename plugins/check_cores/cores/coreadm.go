package cores

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/msgstore-plugins/msgstore/lib/command"
	"github.com/msgstore-plugins/msgstore/lib/plugin"
)

// switchState is a coreadm on/off setting, or unset when not said.
type switchState int

const (
	unset switchState = iota
	enabled
	disabled
)

func (s switchState) String() string {
	switch s {
	case enabled:
		return "enabled"
	case disabled:
		return "disabled"
	}
	return "not set"
}

// coreadmSettings is what Solaris coreadm says about cores: where they go
// and which are dumped at all.
type coreadmSettings struct {
	source        string // "coreadm" (the command) or the coreadm.conf path, for long output
	globalPattern string
	initPattern   string // the per-process pattern init passes on
	global        switchState
	process       switchState
	globalSetid   switchState
	processSetid  switchState
}

// patterns are the non-empty core file patterns.
func (c coreadmSettings) patterns() []string {
	var out []string
	for _, p := range []string{c.globalPattern, c.initPattern} {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Output bounds of the coreadm command: a dozen short lines in practice.
const (
	coreadmMaxLines    = 100
	coreadmMaxLineLen  = 4096
	coreadmOutputBytes = 16 << 10
)

// coreadmParser reads `coreadm` (no argument) output, line by line:
//
//	global core file pattern: /var/cores/%f.%n.%p.%t.core
//	      global core dumps: enabled
//	 per-process core dumps: disabled
//
// Unknown lines (content settings, logging, messages) are ignored.
type coreadmParser struct {
	s     coreadmSettings
	lines int
	known int // lines that set something
}

func (p *coreadmParser) line(l string) {
	p.lines++
	if p.lines > coreadmMaxLines {
		return
	}
	key, value, ok := strings.Cut(l, ":")
	if !ok {
		return
	}
	key = strings.Join(strings.Fields(strings.ToLower(key)), " ")
	value = strings.TrimSpace(value)
	p.known++
	switch key {
	case "global core file pattern":
		p.s.globalPattern = value
	case "init core file pattern":
		p.s.initPattern = value
	case "global core dumps":
		p.s.global = parseSwitch(value)
	case "per-process core dumps":
		p.s.process = parseSwitch(value)
	case "global setid core dumps":
		p.s.globalSetid = parseSwitch(value)
	case "per-process setid core dumps":
		p.s.processSetid = parseSwitch(value)
	default:
		p.known--
	}
}

func parseSwitch(v string) switchState {
	switch strings.ToLower(v) {
	case "enabled", "yes":
		return enabled
	case "disabled", "no":
		return disabled
	}
	return unset
}

// parseCoreadmOutput parses a whole output (for tests and fuzzing).
func parseCoreadmOutput(out string) (coreadmSettings, bool) {
	p := &coreadmParser{s: coreadmSettings{source: "coreadm"}}
	for _, l := range strings.Split(out, "\n") {
		p.line(l)
	}
	return p.s, p.known > 0
}

// runCoreadm runs `coreadm` with no argument, which prints the settings
// (Solaris 11 keeps them in SMF, not in /etc/coreadm.conf): by absolute
// path, without a shell, killed at the plugin's timeout, its output
// bounded. It returns the settings, or an error in words for long output.
func runCoreadm(env *plugin.Env, path string) (coreadmSettings, error) {
	p := &coreadmParser{s: coreadmSettings{source: "coreadm"}}
	env.Stage("starting %s", path)
	proc, err := command.Start(env.Context(), command.Cmd{
		Path: path, Env: command.MinimalEnv(), Dir: "/",
		TailBytes: coreadmOutputBytes, MaxLineBytes: coreadmMaxLineLen,
		OnLine: p.line,
	})
	if err != nil {
		return coreadmSettings{}, errors.New(command.StartReason(err))
	}
	env.OnTimeout(proc.Kill)
	env.Stage("running %s (pid %d)", path, proc.Pid())
	res := proc.Wait()
	switch {
	case res.Killed:
		return coreadmSettings{}, fmt.Errorf("%s did not finish before the timeout", path)
	case !res.Success():
		msg := fmt.Sprintf("%s ended with %s", path, res)
		if res.LastLine != "" {
			msg += ": " + res.LastLine
		}
		return coreadmSettings{}, fmt.Errorf("%s", msg)
	case p.known == 0:
		return coreadmSettings{}, fmt.Errorf("%s printed no core file setting (%d lines)", path, res.Lines)
	}
	return p.s, nil
}

// readCoreadmConf reads Solaris 10's /etc/coreadm.conf: the patterns and
// the COREADM_*_ENABLED switches. ok is false when there is no such file.
func readCoreadmConf(path string) (coreadmSettings, bool) {
	f, err := os.Open(path)
	if err != nil {
		return coreadmSettings{}, false
	}
	defer f.Close()
	return parseCoreadmConf(path, io.LimitReader(f, 64<<10)), true
}

func parseCoreadmConf(source string, r io.Reader) coreadmSettings {
	s := coreadmSettings{source: source}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		switch k {
		case "COREADM_GLOB_PATTERN":
			s.globalPattern = v
		case "COREADM_INIT_PATTERN":
			s.initPattern = v
		case "COREADM_GLOB_ENABLED":
			s.global = parseSwitch(v)
		case "COREADM_PROC_ENABLED":
			s.process = parseSwitch(v)
		case "COREADM_GLOB_SETID_ENABLED":
			s.globalSetid = parseSwitch(v)
		case "COREADM_PROC_SETID_ENABLED":
			s.processSetid = parseSwitch(v)
		}
	}
	return s
}

// expectations are the long-output lines that say where coreadm sends
// cores and which it does not dump; disabled is set when it dumps none.
func (c coreadmSettings) expectations() (lines []string, disabledWhy string) {
	src := c.source
	switch c.global {
	case enabled:
		lines = append(lines, fmt.Sprintf("%s: global core dumps enabled, pattern %s", src, orDefault(c.globalPattern, "core")))
	case disabled:
		lines = append(lines, fmt.Sprintf("%s: global core dumps disabled (pattern %s)", src, orDefault(c.globalPattern, "core")))
	}
	switch {
	case c.process == enabled:
		lines = append(lines, fmt.Sprintf("%s: per-process core dumps enabled, init pattern %s: a daemon dumps into its working directory unless it set its own pattern",
			src, orDefault(c.initPattern, "core")))
	case c.process == disabled:
		lines = append(lines, fmt.Sprintf("%s: per-process core dumps disabled", src))
	case c.initPattern != "":
		lines = append(lines, fmt.Sprintf("%s: init core file pattern %s", src, c.initPattern))
	}
	var noSetid []string
	if c.global == enabled && c.globalSetid == disabled {
		noSetid = append(noSetid, "global")
	}
	if c.process == enabled && c.processSetid == disabled {
		noSetid = append(noSetid, "per-process")
	}
	if len(noSetid) > 0 {
		lines = append(lines, fmt.Sprintf("%s: %s setid core dumps disabled: a process that changed its user or group id (a daemon started as root running as another user) leaves no %s core",
			src, strings.Join(noSetid, " and "), strings.Join(noSetid, " or ")))
	}
	if c.global == disabled && c.process == disabled {
		disabledWhy = "core dumps disabled (" + src + ": global and per-process): crashes leave no core"
	}
	return lines, disabledWhy
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
