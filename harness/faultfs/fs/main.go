// faultfs is ordeal's fault filesystem: a FUSE passthrough over a real directory that remembers what is not yet
// durable (each file's writes since its last fsync, the directory changes since the last fsync) and can lose it on
// command, as a power cut would; it can also make writes fail with ENOSPC for a while and the next fsync fail with EIO.
// The orchestrator controls it over HTTP on 127.0.0.1 (see control.go).
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// version is what `-version` prints (set by the build).
var version = "dev"

func main() {
	backing := flag.String("backing", "", "the real directory the mount passes through to")
	mountpoint := flag.String("mount", "", "where to mount it")
	control := flag.String("control", "127.0.0.1:0", "host:port of the control API")
	parent := flag.Int("parent", 0, "unmount and exit when this process is gone (the orchestrator)")
	name := flag.String("name", "ordeal-faultfs", "the file system's name in /proc/self/mountinfo")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("faultfs", version)
		return
	}
	if *backing == "" || *mountpoint == "" {
		fmt.Fprintln(os.Stderr, "faultfs: -backing and -mount are needed")
		os.Exit(2)
	}
	if err := run(*backing, *mountpoint, *control, *parent, *name); err != nil {
		fmt.Fprintln(os.Stderr, "faultfs:", err)
		os.Exit(1)
	}
}

func run(backing, mountpoint, control string, parent int, name string) error {
	backing, _ = filepath.Abs(backing)
	var st syscall.Stat_t
	if err := syscall.Stat(backing, &st); err != nil {
		return err
	}
	trash := backing + ".trash"
	_ = os.RemoveAll(trash)
	if err := os.MkdirAll(trash, 0o700); err != nil {
		return err
	}
	state := newState(backing, trash)
	orchestrator = parent
	root := newRoot(backing, uint64(st.Dev), state)
	zero := time.Duration(0)
	server, err := fs.Mount(mountpoint, root.RootNode, &fs.Options{
		// no kernel caching of entries and attributes: what a crash changed on the backing directory is seen at once
		EntryTimeout:    &zero,
		AttrTimeout:     &zero,
		NegativeTimeout: &zero,
		MountOptions: fuse.MountOptions{
			FsName: name,
			Name:   "ordeal-faultfs",
			// posix locks stay in the kernel (SQLite's locking works across the processes of this machine)
			EnableLocks: false,
			// mounted by root: other users' processes too (PostgreSQL refuses to run as root, it runs as its own user);
			// a user's mount needs user_allow_other in /etc/fuse.conf for that, and its engines run as that user anyway
			AllowOther: os.Getuid() == 0,
		},
	})
	if err != nil {
		return fmt.Errorf("mount %s: %w", mountpoint, err)
	}
	state.root = root.RootNode.EmbeddedInode()
	ln, err := net.Listen("tcp", control)
	if err != nil {
		_ = server.Unmount()
		return err
	}
	stop := make(chan string, 4)
	go func() { _ = http.Serve(ln, controlAPI(state, stop)) }()
	// the orchestrator waits for this line (after the mount is ready)
	fmt.Printf("faultfs ready control=%s mount=%s\n", ln.Addr(), mountpoint)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() { stop <- (<-sigs).String() }()
	if parent > 0 {
		go func() {
			for range time.Tick(200 * time.Millisecond) {
				if syscall.Kill(parent, 0) == syscall.ESRCH {
					stop <- fmt.Sprintf("process %d is gone", parent)
					return
				}
			}
		}()
	}
	go func() { server.Wait(); stop <- "unmounted" }()
	why := <-stop
	fmt.Printf("faultfs stopping: %s\n", why)
	unmount(server, mountpoint)
	_ = os.RemoveAll(trash)
	return nil
}

// unmount unmounts, lazily when something still holds the mount open (a process the harness is still stopping).
func unmount(server *fuse.Server, mountpoint string) {
	done := make(chan error, 1)
	go func() { done <- server.Unmount() }()
	select {
	case err := <-done:
		if err == nil {
			return
		}
		fmt.Printf("faultfs: unmount: %v; detaching lazily\n", err)
	case <-time.After(3 * time.Second):
		fmt.Println("faultfs: unmount takes too long; detaching lazily")
	}
	_ = syscall.Unmount(mountpoint, syscall.MNT_DETACH)
}
