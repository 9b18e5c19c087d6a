package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// clockTick is the unit of /proc/<pid>/stat times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// processTreeCPU returns the CPU time used by process root and all its
// descendants, including the children that have ended and were waited
// for (a tab's renderer process that exited), read from /proc.
func processTreeCPU(root int) (time.Duration, bool) {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil || len(stats) == 0 {
		return 0, false
	}
	parent, ticks := map[int]int{}, map[int]int64{}
	for _, path := range stats {
		if pid, ppid, t, ok := readStat(path); ok {
			parent[pid], ticks[pid] = ppid, t
		}
	}
	if _, ok := ticks[root]; !ok {
		return 0, false
	}
	var sum int64
	for pid, t := range ticks {
		for p := pid; p > 0; p = parent[p] {
			if p == root {
				sum += t
				break
			}
		}
	}
	return time.Duration(sum) * clockTick, true
}

// readStat returns a process's parent and its utime+stime+cutime+cstime
// in clock ticks, from a /proc/<pid>/stat file.
func readStat(path string) (pid, ppid int, ticks int64, ok bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0, false
	}
	end := bytes.LastIndexByte(raw, ')') // the command name may hold spaces and parentheses
	open := bytes.IndexByte(raw, '(')
	if end < 0 || open < 1 {
		return 0, 0, 0, false
	}
	pid, err = strconv.Atoi(string(bytes.TrimSpace(raw[:open])))
	fields := bytes.Fields(raw[end+1:]) // fields[0] is the state, field 3 of stat(5)
	if err != nil || len(fields) < 15 {
		return 0, 0, 0, false
	}
	ppid, _ = strconv.Atoi(string(fields[1]))
	for _, f := range fields[11:15] { // utime, stime, cutime, cstime: fields 14–17
		n, _ := strconv.ParseInt(string(f), 10, 64)
		ticks += n
	}
	return pid, ppid, ticks, true
}
