package integration

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgstore-plugins/msgstore/lib/fixture"
)

// TestIcingaMasterAndAgent runs the shipped Icinga 2 files as a site
// would: a master with the example services (msgstore-services.conf,
// unchanged) and an agent on the mail host, two icinga2 instances on
// loopback with their own certificates. The agent knows the CheckCommands
// (as the package installs them on every node) and runs the checks the
// master sends it through command_endpoint. A Store Error line appended
// to the server's imap log must then give a HARD WARNING at once: the
// msglogs service consumes what it reads, so a SOFT state would recover
// on the retry.
func TestIcingaMasterAndAgent(t *testing.T) {
	requireTool(t, icingaBin, "icinga2-bin")
	requireTool(t, "/usr/bin/openssl", "openssl")
	t.Parallel()
	acct := lookupDaemonUser(t)
	_, bin := plugins(t)
	ws := workspace(t)
	gen := generated(t)
	commands := writeFile(t, filepath.Join(ws, "msgstore-commands.conf"), gen["icinga2"])
	services := writeFile(t, filepath.Join(ws, "msgstore-services.conf"), gen["icinga2-services"])
	servers := sampleServers(t, filepath.Join(ws, "sample"))
	healthy := servers[0].base
	state := ownedDir(t, acct, ws, "msglogs-state")

	masterPort, agentPort := freePort(t), freePort(t)
	master := icingaNode(t, acct, ws, "master", fmt.Sprintf(`
include %q
object Endpoint "master" { }
object Endpoint "agent1" { host = "127.0.0.1"; port = "%d" }
object Zone "master" { endpoints = [ "master" ] }
object Zone "agent1" { endpoints = [ "agent1" ]; parent = "master" }
object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = %d }
object ApiUser "e2e" { password = "e2e"; permissions = [ "*" ] }
object CheckerComponent "checker" { }
object Host "agent1" {
	import "msgstore-host"
	zone = "master"
	check_command = "dummy"
	check_interval = 1h
	vars.agent_endpoint = "agent1"
	vars.msg_svr_base = %q
	vars.msgstore_msglogs_state_dir = %q
}
`, services, agentPort, masterPort, healthy, state), bin, commands)
	agent := icingaNode(t, acct, ws, "agent1", fmt.Sprintf(`
object Endpoint "master" { host = "127.0.0.1"; port = "%d" }
object Endpoint "agent1" { }
object Zone "master" { endpoints = [ "master" ] }
object Zone "agent1" { endpoints = [ "agent1" ]; parent = "master" }
object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = %d; accept_commands = true; accept_config = false }
`, masterPort, agentPort), bin, commands)
	icingaCerts(t, acct, ws, master, agent)

	dm := startDaemon(t, master.dir, "icinga2-master", master.argv()...)
	da := startDaemon(t, agent.dir, "icinga2-agent", agent.argv()...)
	api := icingaAPI{t: t, port: masterPort}
	pollUntil(t, dm, 60*time.Second, func() (bool, string) {
		if da.exited() {
			t.Fatalf("the agent exited:\n%s", da.tail())
		}
		var ep []struct {
			Attrs struct{ Connected bool } `json:"attrs"`
		}
		err := api.get("/v1/objects/endpoints/agent1?attrs=connected", &ep)
		return err == nil && len(ep) == 1 && ep[0].Attrs.Connected, fmt.Sprintf("the master to connect to the agent (%v)", err)
	})

	const svc = "agent1!msgstore_msglogs"
	attrs := api.service(svc)
	if attrs.MaxCheckAttempts != 1 || !attrs.Volatile {
		t.Errorf("%s: max_check_attempts %v, volatile %v; the shipped services must make it 1 and true", svc, attrs.MaxCheckAttempts, attrs.Volatile)
	}

	// The first run saves the log positions.
	first := api.check(dm, svc, 0)
	if first.State != 0 || first.Result.CheckSource != "agent1" {
		t.Fatalf("first check: state %v from %q, want OK from the agent: %s", first.State, first.Result.CheckSource, first.Result.Output)
	}
	t.Logf("first check on %s: %s", first.Result.CheckSource, first.Result.Output)

	// The server logs an error.
	imap := filepath.Join(filepath.Dir(filepath.Dir(healthy)), fixture.VarRel, "log", "imap")
	f, err := os.OpenFile(imap, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "[%s] mailhost imapd[6747]: Store Error: user/joe: Mailbox has an invalid format, repair requested\n", time.Now().UTC().Format("02/Jan/2006:15:04:05 -0700"))
	f.Close()

	second := api.check(dm, svc, first.Result.ExecutionEnd)
	t.Logf("after a Store Error: state %v type %v on %s: %s", second.State, second.StateType, second.Result.CheckSource, second.Result.Output)
	if second.State != 1 || second.StateType != 1 || second.Result.CheckSource != "agent1" {
		t.Errorf("after a Store Error line: state %v, state type %v (1 = HARD), from %q; want a HARD WARNING from the agent: %s",
			second.State, second.StateType, second.Result.CheckSource, second.Result.Output)
	}
	if !strings.Contains(second.Result.Output, "1 error since last check") {
		t.Errorf("output does not count the error: %s", second.Result.Output)
	}
}

// icingaInstance is one icinga2 daemon's files.
type icingaInstance struct {
	name, dir, cfg string
	defines        []string
	certs          string // DataDir/certs
}

func (n icingaInstance) argv() []string {
	return append([]string{icingaBin, "daemon", "-c", n.cfg}, n.defines...)
}

// icingaNode writes an instance's icinga2.conf: its NodeName, the ITL,
// the CheckCommands as the package installs them, and body.
func icingaNode(t *testing.T, a account, ws, name, body, bin, commands string) icingaInstance {
	t.Helper()
	dir := filepath.Join(ws, name)
	defines := icingaDirs(t, a, dir)
	cfg := writeFile(t, filepath.Join(dir, "icinga2.conf"), fmt.Sprintf(`// Generated by the msgstore end-to-end test.
const NodeName = %q
const PluginDir = %q
include <itl>
include %q
%s`, name, bin, commands, body))
	return icingaInstance{name: name, dir: dir, cfg: cfg, defines: defines,
		certs: ownedDir(t, a, dir, "icinga", "data", "certs")}
}

// icingaCerts makes a CA and a certificate per node (CN = endpoint name)
// in each node's DataDir/certs, where Icinga 2 looks for them.
func icingaCerts(t *testing.T, a account, ws string, nodes ...icingaInstance) {
	t.Helper()
	ca := filepath.Join(ws, "ca")
	if err := os.MkdirAll(ca, 0o700); err != nil {
		t.Fatal(err)
	}
	openssl := func(args ...string) {
		t.Helper()
		if out, err := run(t, time.Minute, ca, nil, append([]string{"/usr/bin/openssl"}, args...)...); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=msgstore e2e CA")
	for _, n := range nodes {
		openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", n.name+".key", "-out", n.name+".csr", "-subj", "/CN="+n.name)
		openssl("x509", "-req", "-in", n.name+".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", n.name+".crt", "-days", "2")
		for _, f := range []string{n.name + ".key", n.name + ".crt", "ca.crt"} {
			b, err := os.ReadFile(filepath.Join(ca, f))
			if err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(n.certs, f)
			if err := os.WriteFile(dst, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(dst, a.uid, a.gid); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// icingaAPI talks to the master's REST API on loopback (its certificate is
// the test's own CA's: not verified).
type icingaAPI struct {
	t    *testing.T
	port int
}

func (a icingaAPI) do(method, path, body string, out any) error {
	req, err := http.NewRequest(method, fmt.Sprintf("https://127.0.0.1:%d%s", a.port, path), strings.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth("e2e", "e2e")
	req.Header.Set("Accept", "application/json")
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, b)
	}
	var env struct {
		Results json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(env.Results, out)
}

func (a icingaAPI) get(path string, out any) error { return a.do("GET", path, "", out) }

// serviceAttrs are the attributes of a service the test reads.
type serviceAttrs struct {
	State            float64 `json:"state"`
	StateType        float64 `json:"state_type"`
	MaxCheckAttempts float64 `json:"max_check_attempts"`
	Volatile         bool    `json:"volatile"`
	Result           struct {
		Output       string  `json:"output"`
		CheckSource  string  `json:"check_source"`
		ExecutionEnd float64 `json:"execution_end"`
	} `json:"last_check_result"`
}

func (a icingaAPI) service(name string) serviceAttrs {
	a.t.Helper()
	var res []struct {
		Attrs serviceAttrs `json:"attrs"`
	}
	if err := a.get("/v1/objects/services/"+strings.ReplaceAll(name, "!", "%21"), &res); err != nil || len(res) != 1 {
		a.t.Fatalf("service %s: %v (%d results)", name, err, len(res))
	}
	return res[0].Attrs
}

// check asks the master to check the service now and waits for a result
// newer than after.
func (a icingaAPI) check(d *daemon, name string, after float64) serviceAttrs {
	a.t.Helper()
	host, svc, _ := strings.Cut(name, "!")
	body, _ := json.Marshal(map[string]any{"type": "Service", "force": true,
		"filter": fmt.Sprintf("host.name==%q && service.name==%q", host, svc)})
	if err := a.do("POST", "/v1/actions/reschedule-check", string(body), nil); err != nil {
		a.t.Fatal(err)
	}
	var s serviceAttrs
	pollUntil(a.t, d, 60*time.Second, func() (bool, string) {
		s = a.service(name)
		return s.Result.ExecutionEnd > after && s.Result.Output != "", "a new result of " + name
	})
	return s
}
