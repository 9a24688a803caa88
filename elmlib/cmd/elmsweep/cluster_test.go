package main

// A private single-node Slurm (munged, slurmctld, slurmd) for the tests, bound to 127.0.0.1,
// with every file in its own temporary directory. See ../shared/notes/slurm.md.

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// cluster is a running test cluster.
type cluster struct {
	dir   string
	procs []*exec.Cmd // munged, slurmctld, slurmd
	exits []chan struct{}
	bin   map[string]string // command name -> path
}

// slurmCommands are the programs the cluster needs.
var slurmCommands = []string{"mungekey", "munged", "munge", "unmunge", "slurmctld", "slurmd",
	"sinfo", "sbatch", "squeue", "scancel"}

// findCommand looks a program up on PATH, then in the sbin directories.
func findCommand(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/sbin", "/usr/bin"} {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found (apt-get install --no-install-recommends slurmctld"+
		" slurmd slurm-client munge)", name)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startCluster starts munged, slurmctld and slurmd and waits until the node is idle. It sets
// SLURM_CONF in this process's environment (inherited by sbatch and by the jobs).
func startCluster() (*cluster, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("not root: slurmd must run as root")
	}
	c := &cluster{bin: map[string]string{}}
	for _, name := range slurmCommands {
		p, err := findCommand(name)
		if err != nil {
			return nil, err
		}
		c.bin[name] = p
	}
	dir, err := os.MkdirTemp("", "elmsweep-slurm-")
	if err != nil {
		return nil, err
	}
	c.dir = dir
	for _, sub := range []string{"munge", "state", "spool", "run", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return c, err
		}
	}
	// munged refuses sockets under directories that others cannot traverse.
	if err := os.Chmod(dir, 0o755); err != nil {
		return c, err
	}
	if err := c.startMunge(); err != nil {
		return c, err
	}
	conf, err := c.writeConf()
	if err != nil {
		return c, err
	}
	os.Setenv("SLURM_CONF", conf)
	if err := c.spawn("slurmctld", "-D", "-c", "-f", conf); err != nil {
		return c, err
	}
	if err := c.spawn("slurmd", "-D", "-N", "localhost", "-f", conf); err != nil {
		return c, err
	}
	return c, c.waitIdle(30 * time.Second)
}

// startMunge creates a key, starts a private munged and checks a round trip.
func (c *cluster) startMunge() error {
	m := filepath.Join(c.dir, "munge")
	key, sock := filepath.Join(m, "munge.key"), filepath.Join(m, "munge.sock")
	if out, err := exec.Command(c.bin["mungekey"], "--create", "--keyfile="+key).
		CombinedOutput(); err != nil {
		return fmt.Errorf("mungekey: %v: %s", err, out)
	}
	err := c.spawn("munged", "--foreground", "--force", "--socket="+sock, "--key-file="+key,
		"--pid-file="+filepath.Join(m, "munged.pid"),
		"--log-file="+filepath.Join(m, "munged.log"), "--seed-file="+filepath.Join(m, "seed"))
	if err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		cred, err := exec.Command(c.bin["munge"], "-S", sock, "-n").Output()
		if err == nil {
			un := exec.Command(c.bin["unmunge"], "-S", sock)
			un.Stdin = bytes.NewReader(cred)
			if out, err := un.CombinedOutput(); err == nil &&
				strings.Contains(string(out), "Success") {
				return nil
			}
		}
		if err := c.exited(); err != nil || time.Now().After(deadline) {
			return fmt.Errorf("munged round trip failed: %v (log %s/munged.log)", err, m)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// writeConf writes slurm.conf with free ports and returns its path.
func (c *cluster) writeConf() (string, error) {
	ctld, err := freePort()
	if err != nil {
		return "", err
	}
	slurmd, err := freePort()
	if err != nil {
		return "", err
	}
	d := c.dir
	conf := fmt.Sprintf(`ClusterName=elmsweeptest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=%d
SlurmdPort=%d
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%[3]s/munge/munge.sock
MailProg=/bin/true
StateSaveLocation=%[3]s/state
SlurmdSpoolDir=%[3]s/spool
SlurmctldPidFile=%[3]s/run/slurmctld.pid
SlurmdPidFile=%[3]s/run/slurmd.pid
SlurmctldLogFile=%[3]s/log/slurmctld.log
SlurmdLogFile=%[3]s/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=%[3]s/log/jobcomp.log
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=3600
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=8 RealMemory=1024 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
`, ctld, slurmd, d)
	path := filepath.Join(d, "slurm.conf")
	return path, os.WriteFile(path, []byte(conf), 0o644)
}

// spawn starts a daemon in the foreground as a child that dies with this process.
func (c *cluster) spawn(name string, args ...string) error {
	cmd := exec.Command(c.bin[name], args...)
	logf, err := os.Create(filepath.Join(c.dir, "log", name+".stdout"))
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("starting %s: %w", name, err)
	}
	exit := make(chan struct{})
	go func() {
		cmd.Wait()
		logf.Close()
		close(exit)
	}()
	c.procs = append(c.procs, cmd)
	c.exits = append(c.exits, exit)
	return nil
}

// exited returns an error naming the first daemon that has exited, with its log's tail.
func (c *cluster) exited() error {
	for i, ch := range c.exits {
		select {
		case <-ch:
			name := filepath.Base(c.procs[i].Path)
			log, _ := os.ReadFile(filepath.Join(c.dir, "log", name+".stdout"))
			if len(log) > 600 {
				log = log[len(log)-600:]
			}
			return fmt.Errorf("%s exited (%v): %s", name, c.procs[i].ProcessState,
				strings.TrimSpace(string(log)))
		default:
		}
	}
	return nil
}

// waitIdle polls sinfo until the node is idle.
func (c *cluster) waitIdle(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		out, _ := exec.Command(c.bin["sinfo"], "-h", "-N", "-n", "localhost", "-o", "%T").
			Output()
		if strings.TrimSpace(string(out)) == "idle" {
			return nil
		}
		if err := c.exited(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("node not idle after %v (sinfo: %q; logs in %s/log)",
				limit, strings.TrimSpace(string(out)), c.dir)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop cancels all jobs, waits for the queue to empty, stops the daemons (slurmd,
// slurmctld, munged) and removes the directory unless SLURM_KEEP=1.
func (c *cluster) stop() {
	if c == nil {
		return
	}
	if len(c.procs) >= 3 {
		exec.Command(c.bin["scancel"], "--user=root").Run()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			out, err := exec.Command(c.bin["squeue"], "-h", "-t", "PD,CF,R,CG,S", "-o", "%i").
				Output()
			if err != nil || strings.TrimSpace(string(out)) == "" {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for i := len(c.procs) - 1; i >= 0; i-- {
		c.procs[i].Process.Signal(syscall.SIGTERM)
		select {
		case <-c.exits[i]:
		case <-time.After(10 * time.Second):
			c.procs[i].Process.Kill()
			<-c.exits[i]
		}
	}
	if os.Getenv("SLURM_KEEP") != "1" && c.dir != "" {
		os.RemoveAll(c.dir)
	}
}
