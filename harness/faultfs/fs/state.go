package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"golang.org/x/sys/unix"
)

// undo is what one change to a file's data did, enough to take it back: the bytes it overwrote and the size before it.
type undo struct {
	pgid    int
	off     int64  // where the change starts
	n       int64  // how many bytes it wrote (0 for a size change)
	pre     []byte // the bytes of [off, off+len(pre)) before it (the old file ended at off+len(pre) when shorter than n)
	oldSize int64
}

// fileLog is a file's changes since its last fsync, in order, with a descriptor of the backing file to undo them by
// (so renames and unlinks since do not matter).
type fileLog struct {
	node    *fs.Inode
	fd      int
	entries []undo
	// an fsync failed with EIO: nothing pending becomes durable any more (until a power cut loses it)
	doomed bool
}

// dirOp is one change to a directory entry, with what restores it; paths are relative to the root, as they were
// when it happened (undone newest first, each finds the tree as it left it).
type dirOp struct {
	pgid  int
	kind  string // create, mkdir, unlink, rmdir, rename
	path  string
	path2 string // rename: the new name
	trash string // unlink, or the entry a rename replaced: a hard link keeping the old file
	mode  uint32 // rmdir, or the empty directory a rename replaced
	// which directories must be fsynced for it to be durable (posix metadata), and whether any fsync came after it (journal)
	dirs      map[string]bool
	journaled bool
}

// state is the fault filesystem's memory of what is not yet durable, and the faults that are armed.
type state struct {
	mu        sync.Mutex
	backing   string
	trashDir  string
	root      *fs.Inode
	files     map[*fs.Inode]*fileLog
	ops       []*dirOp
	trashSeq  int
	fullUntil time.Time
	// fsync-error: the next fsync (of a file written by one of these process groups; nil: any) fails with EIO
	eioArmed bool
	eioPgids map[int]bool
	stats    counters
}

type counters struct {
	Writes     int64 `json:"writes"`
	Fsyncs     int64 `json:"fsyncs"`
	ENOSPC     int64 `json:"enospc"`
	EIO        int64 `json:"eio"`
	DirOps     int64 `json:"dirOps"`
	Crashes    int64 `json:"crashes"`
	DirFsyncs  int64 `json:"dirFsyncs"`
	FileFsyncs int64 `json:"fileFsyncs"`
}

func newState(backing, trash string) *state {
	return &state{backing: backing, trashDir: trash, files: map[*fs.Inode]*fileLog{}}
}

// orchestrator is the process that mounted the file system (-parent): it starts every worker and engine process in a
// process group of its own, and those groups are what a fault's pgids name.
var orchestrator int

// pgidOf is the process group the orchestrator started the calling thread's process in: the group of its ancestor
// that is the orchestrator's child, as a process that made a session of its own below it (each of PostgreSQL's
// backends does) still belongs to the engine that forked it; else (the orchestrator itself, an orphan) its own group.
func pgidOf(pid uint32) int {
	ppid, own := statOf(int(pid))
	if orchestrator <= 0 {
		return own
	}
	g := own
	for i := 0; i < 64 && ppid > 1; i++ {
		if ppid == orchestrator {
			return g
		}
		ppid, g = statOf(ppid)
	}
	return own
}

// statOf is the parent and the process group of a process (zeros when it is gone).
func statOf(pid int) (ppid, pgid int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0
	}
	// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 {
		return 0, 0
	}
	ppid, _ = strconv.Atoi(f[1])
	pgid, _ = strconv.Atoi(f[2])
	return ppid, pgid
}

func (s *state) full() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Now().Before(s.fullUntil) {
		if s.stats.ENOSPC++; s.stats.ENOSPC == 1 {
			fmt.Println("disk-full: the first ENOSPC")
		}
		return true
	}
	return false
}

// logFor returns the file's log, opening a descriptor of its backing file on the first change since its last fsync.
func (s *state) logFor(node *fs.Inode, fd int) (*fileLog, error) {
	if l, ok := s.files[node]; ok {
		return l, nil
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	l := &fileLog{node: node, fd: dup}
	s.files[node] = l
	return l, nil
}

// before records what the change [off, off+n) about to be made to the file behind fd overwrites (n < 0: a truncate to off).
func (s *state) before(node *fs.Inode, fd int, pgid int, off, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return
	}
	l, err := s.logFor(node, fd)
	if err != nil {
		return
	}
	u := undo{pgid: pgid, off: off, oldSize: st.Size}
	end := off + n
	if n < 0 { // truncate: what is cut off
		end = st.Size
	} else {
		u.n = n
	}
	if end > st.Size {
		end = st.Size
	}
	if end > off {
		u.pre = make([]byte, end-off)
		if k, err := unix.Pread(fd, u.pre, off); err == nil {
			u.pre = u.pre[:k]
		} else {
			u.pre = nil
		}
	}
	l.entries = append(l.entries, u)
	s.stats.Writes++
}

// applyUndo takes change u back on fd, keeping its first `keep` bytes (a torn write).
func applyUndo(fd int, u undo, keep int64) {
	if keep > 0 && u.n > 0 {
		if keep >= u.n {
			return
		}
		// the kept prefix stays; the rest goes back to what it was, the file no longer than the prefix made it
		cut := u.off + keep
		if rest := int64(len(u.pre)) - keep; rest > 0 {
			_, _ = unix.Pwrite(fd, u.pre[keep:], cut)
		}
		size := u.oldSize
		if cut > size {
			size = cut
		}
		_ = unix.Ftruncate(fd, size)
		return
	}
	if len(u.pre) > 0 {
		_, _ = unix.Pwrite(fd, u.pre, u.off)
	}
	_ = unix.Ftruncate(fd, u.oldSize)
}

// synced forgets the file's changes: they are on the disk.
func (s *state) synced(node *fs.Inode) {
	if l, ok := s.files[node]; ok {
		_ = unix.Close(l.fd)
		delete(s.files, node)
	}
}

// fsync is a file's (or directory's) fsync: EIO when one is armed for it (its unsynced writes are then lost, as
// Linux drops the pages of a failed writeback), otherwise its writes become durable; any fsync commits the journal.
func (s *state) fsync(node *fs.Inode, dir string, isDir bool, pgid int) syscall.Errno {
	if dir == "" {
		dir = "."
	}
	s.mu.Lock()
	s.stats.Fsyncs++
	if s.eioArmed && (s.eioPgids == nil || s.eioPgids[pgid] || s.writtenBy(node, s.eioPgids)) {
		s.eioArmed = false
		s.stats.EIO++
		fmt.Printf("fsync-error: EIO to the fsync of %q by process group %d\n", s.pathOf(node), pgid)
		// as Linux does after a failed writeback: the pages stay readable but are marked clean, so they never reach
		// the disk; a later fsync of the file succeeds and the next power cut loses them
		if l, ok := s.files[node]; ok {
			l.doomed = true
		}
		s.mu.Unlock()
		return syscall.EIO
	}
	for _, op := range s.ops {
		op.journaled = true
		if isDir {
			delete(op.dirs, dir)
		}
	}
	if isDir {
		s.stats.DirFsyncs++
	} else if l, ok := s.files[node]; !ok || !l.doomed {
		s.stats.FileFsyncs++
		s.synced(node)
	}
	s.mu.Unlock()
	return 0
}

func (s *state) writtenBy(node *fs.Inode, pgids map[int]bool) bool {
	if l, ok := s.files[node]; ok {
		for _, u := range l.entries {
			if pgids[u.pgid] {
				return true
			}
		}
	}
	return false
}

// keepAside hard-links the entry at rel into the trash and returns the link's path ("" when it is no regular file).
func (s *state) keepAside(rel string) string {
	var st unix.Stat_t
	if unix.Lstat(filepath.Join(s.backing, rel), &st) != nil || st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return ""
	}
	s.mu.Lock()
	s.trashSeq++
	t := filepath.Join(s.trashDir, strconv.Itoa(s.trashSeq))
	s.mu.Unlock()
	if unix.Link(filepath.Join(s.backing, rel), t) != nil {
		return ""
	}
	return t
}

func (s *state) dirOp(op *dirOp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	op.dirs = map[string]bool{filepath.Dir(op.path): true}
	if op.path2 != "" {
		op.dirs[filepath.Dir(op.path2)] = true
	}
	s.ops = append(s.ops, op)
	s.stats.DirOps++
	// durable ones are dropped from the log once every directory was synced (posix) and a journal commit came after
	kept := s.ops[:0]
	for _, o := range s.ops {
		if len(o.dirs) == 0 && o.journaled {
			if o.trash != "" {
				_ = os.Remove(o.trash)
			}
			continue
		}
		kept = append(kept, o)
	}
	s.ops = kept
}

// CrashRequest is a power cut: whose unsynced changes are lost (nil: everyone's), whether the last write of each file
// is torn, and which directory semantics decide what of the directory changes survived.
type CrashRequest struct {
	Pgids    []int  `json:"pgids,omitempty"`
	Torn     bool   `json:"torn,omitempty"`
	Metadata string `json:"metadata,omitempty"` // journal (default) or posix
	Seed     int64  `json:"seed,omitempty"`
}

// Lost is one file's lost changes, as reported to the orchestrator.
type Lost struct {
	Path   string `json:"path"`
	Writes int    `json:"writes"`
	Bytes  int64  `json:"bytes"`
	// torn: how many bytes of the last write were kept (absent when none was torn)
	TornKept *int64 `json:"tornKept,omitempty"`
}

type CrashReport struct {
	Files  []Lost   `json:"files"`
	DirOps []string `json:"dirOps"`
}

// crash drops the unsynced changes of the given process groups (all when none is given), newest first.
func (s *state) crash(req CrashRequest) CrashReport {
	s.mu.Lock()
	s.stats.Crashes++
	s.fullUntil = time.Time{}
	s.eioArmed = false
	match := func(pgid int) bool {
		if len(req.Pgids) == 0 {
			return true
		}
		for _, p := range req.Pgids {
			if p == pgid {
				return true
			}
		}
		return false
	}
	rng := rand.New(rand.NewSource(req.Seed))
	report := CrashReport{Files: []Lost{}, DirOps: []string{}}
	var notify []*fs.Inode
	for node, l := range s.files {
		hit := false
		for _, u := range l.entries {
			hit = hit || match(u.pgid)
		}
		if !hit {
			continue
		}
		// a file's pending changes go together: the disk has what the last fsync left, plus (torn) a prefix of the sequence
		lost := Lost{Path: s.pathOf(node), Writes: len(l.entries)}
		last := len(l.entries) - 1
		keepUntil := -1 // entries [0, keepUntil) persist
		var tornKeep int64
		if req.Torn && last >= 0 && l.entries[last].n > 0 {
			keepUntil = last
			n := l.entries[last].n
			if sectors := (n - 1) / 512; sectors >= 1 {
				tornKeep = 512 * (1 + rng.Int63n(sectors))
			} else if n > 1 {
				tornKeep = 1 + rng.Int63n(n-1)
			}
			k := tornKeep
			lost.TornKept = &k
			lost.Writes = 1
		}
		for i := last; i >= 0; i-- {
			u := l.entries[i]
			if keepUntil >= 0 && i < keepUntil {
				break
			}
			keep := int64(0)
			if i == keepUntil {
				keep = tornKeep
			}
			lost.Bytes += u.n - keep
			applyUndo(l.fd, u, keep)
		}
		report.Files = append(report.Files, lost)
		notify = append(notify, node)
		s.synced(node)
	}
	posix := req.Metadata == "posix"
	var touched []string
	kept := []*dirOp{}
	for i := len(s.ops) - 1; i >= 0; i-- {
		op := s.ops[i]
		durable := op.journaled
		if posix {
			durable = len(op.dirs) == 0
		}
		if durable || !match(op.pgid) {
			kept = append([]*dirOp{op}, kept...)
			continue
		}
		s.undoDirOp(op)
		report.DirOps = append(report.DirOps, describe(op))
		touched = append(touched, op.path)
		if op.path2 != "" {
			touched = append(touched, op.path2)
		}
	}
	s.ops = kept
	s.mu.Unlock()
	for _, n := range notify {
		n.NotifyContent(0, 0)
	}
	s.forget(touched)
	return report
}

func describe(op *dirOp) string {
	if op.kind == "rename" {
		return fmt.Sprintf("rename %s -> %s", op.path, op.path2)
	}
	return op.kind + " " + op.path
}

// undoDirOp restores the backing directory as it was before op.
func (s *state) undoDirOp(op *dirOp) {
	abs := func(rel string) string { return filepath.Join(s.backing, rel) }
	switch op.kind {
	case "create":
		_ = os.Remove(abs(op.path))
	case "mkdir":
		_ = os.RemoveAll(abs(op.path))
	case "unlink":
		if op.trash != "" {
			_ = os.Rename(op.trash, abs(op.path))
		}
	case "rmdir":
		_ = os.Mkdir(abs(op.path), os.FileMode(op.mode&0o7777))
	case "rename":
		_ = os.Rename(abs(op.path2), abs(op.path))
		if op.trash != "" {
			_ = os.Rename(op.trash, abs(op.path2))
		} else if op.mode != 0 {
			_ = os.Mkdir(abs(op.path2), os.FileMode(op.mode&0o7777))
		}
	}
}

// forget makes go-fuse and the kernel look the changed entries up again on the backing directory.
func (s *state) forget(paths []string) {
	for _, p := range paths {
		parent := s.root
		for _, c := range strings.Split(filepath.Dir(p), "/") {
			if c == "." || c == "" {
				continue
			}
			if parent = parent.GetChild(c); parent == nil {
				break
			}
		}
		if parent == nil {
			continue
		}
		name := filepath.Base(p)
		parent.RmChild(name)
		parent.NotifyEntry(name)
		parent.NotifyContent(0, 0)
	}
}

// status is what is pending, for the control API.
func (s *state) status() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	files := map[string]int{}
	for node, l := range s.files {
		files[s.pathOf(node)] = len(l.entries)
	}
	ops := []string{}
	for _, op := range s.ops {
		if len(op.dirs) > 0 || !op.journaled {
			ops = append(ops, describe(op))
		}
	}
	return map[string]any{"unsyncedWrites": files, "unsyncedDirOps": ops, "full": time.Now().Before(s.fullUntil), "eioArmed": s.eioArmed, "counters": s.stats}
}

// pathOf is the node's path under the root, or "(unlinked)" for a file with no name left (go-fuse calls it .go-fuse.N/deleted).
func (s *state) pathOf(node *fs.Inode) string {
	p := node.Path(s.root)
	if strings.HasPrefix(p, ".go-fuse.") {
		return "(unlinked)"
	}
	return p
}
