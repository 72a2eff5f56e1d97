package main

import (
	"context"
	"path/filepath"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// node is a loopback node that tells the state about every change before it passes it through to the backing directory.
type node struct {
	fs.LoopbackNode
	st *state
}

func newRoot(backing string, dev uint64, st *state) *fs.LoopbackRoot {
	r := &fs.LoopbackRoot{Path: backing, Dev: dev}
	r.NewNode = func(data *fs.LoopbackRoot, _ *fs.Inode, _ string, _ *syscall.Stat_t) fs.InodeEmbedder {
		return &node{LoopbackNode: fs.LoopbackNode{RootData: data}, st: st}
	}
	r.RootNode = r.NewNode(r, nil, "", nil)
	return r
}

func caller(ctx context.Context) int {
	if c, ok := fuse.FromContext(ctx); ok {
		return pgidOf(c.Pid)
	}
	return 0
}

// rel is the path of child `name` of n, relative to the root.
func (n *node) rel(name string) string {
	return filepath.Join(n.Path(n.Root()), name)
}

func fdOf(f fs.FileHandle) (int, bool) {
	if h, ok := f.(*handle); ok {
		return h.fd()
	}
	return 0, false
}

var _ = (fs.NodeWriter)((*node)(nil))

func (n *node) Write(ctx context.Context, f fs.FileHandle, data []byte, off int64) (uint32, syscall.Errno) {
	if n.st.full() {
		return 0, syscall.ENOSPC
	}
	fw, ok := f.(fs.FileWriter)
	fd, okFd := fdOf(f)
	if !ok || !okFd {
		return 0, syscall.EBADF
	}
	n.st.before(n.EmbeddedInode(), fd, caller(ctx), off, int64(len(data)))
	return fw.Write(ctx, data, off)
}

var _ = (fs.NodeFsyncer)((*node)(nil))

func (n *node) Fsync(ctx context.Context, f fs.FileHandle, flags uint32) syscall.Errno {
	return n.st.fsync(n.EmbeddedInode(), n.Path(n.Root()), n.IsDir(), caller(ctx))
}

var _ = (fs.NodeSetattrer)((*node)(nil))

func (n *node) Setattr(ctx context.Context, f fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if size, ok := in.GetSize(); ok {
		fd, okFd := fdOf(f)
		if !okFd {
			// truncate(2) by path: a descriptor of its own for the record
			h, _, errno := n.Open(ctx, syscall.O_RDWR)
			if errno != 0 {
				return errno
			}
			defer releaseHandle(ctx, h)
			fd, _ = fdOf(h)
		}
		var st syscall.Stat_t
		if syscall.Fstat(fd, &st) == nil && int64(size) > st.Size && n.st.full() {
			return syscall.ENOSPC
		}
		n.st.before(n.EmbeddedInode(), fd, caller(ctx), int64(size), -1)
	}
	return n.LoopbackNode.Setattr(ctx, f, in, out)
}

func releaseHandle(ctx context.Context, h fs.FileHandle) {
	if r, ok := h.(fs.FileReleaser); ok {
		r.Release(ctx)
	}
}

var _ = (fs.NodeAllocater)((*node)(nil))

func (n *node) Allocate(ctx context.Context, f fs.FileHandle, off uint64, size uint64, mode uint32) syscall.Errno {
	if n.st.full() {
		return syscall.ENOSPC
	}
	fd, ok := fdOf(f)
	a, okA := f.(fs.FileAllocater)
	if !ok || !okA {
		return syscall.ENOTSUP
	}
	n.st.before(n.EmbeddedInode(), fd, caller(ctx), int64(off), int64(size))
	return a.Allocate(ctx, off, size, mode)
}

var _ = (fs.NodeCopyFileRanger)((*node)(nil))

// CopyFileRange is refused, so the kernel copies with reads and writes that pass through Write.
func (n *node) CopyFileRange(ctx context.Context, fhIn fs.FileHandle, offIn uint64, out *fs.Inode, fhOut fs.FileHandle, offOut uint64, l uint64, flags uint64) (uint32, syscall.Errno) {
	return 0, syscall.ENOSYS
}

var _ = (fs.NodeCreater)((*node)(nil))

func (n *node) Create(ctx context.Context, name string, flags uint32, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	if n.st.full() {
		return nil, nil, 0, syscall.ENOSPC
	}
	rel := n.rel(name)
	trash := n.st.keepAside(rel) // O_CREAT on an existing file changes no entry; the link is then dropped again
	ch, fh, fl, errno := n.LoopbackNode.Create(ctx, name, flags, mode, out)
	fh = wrap(fh)
	if errno == 0 && trash == "" {
		n.st.dirOp(&dirOp{pgid: caller(ctx), kind: "create", path: rel})
	} else if trash != "" {
		removeQuiet(trash)
	}
	return ch, fh, fl, errno
}

var _ = (fs.NodeMknoder)((*node)(nil))

func (n *node) Mknod(ctx context.Context, name string, mode, rdev uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if n.st.full() {
		return nil, syscall.ENOSPC
	}
	ch, errno := n.LoopbackNode.Mknod(ctx, name, mode, rdev, out)
	if errno == 0 {
		n.st.dirOp(&dirOp{pgid: caller(ctx), kind: "create", path: n.rel(name)})
	}
	return ch, errno
}

var _ = (fs.NodeSymlinker)((*node)(nil))

func (n *node) Symlink(ctx context.Context, target, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if n.st.full() {
		return nil, syscall.ENOSPC
	}
	ch, errno := n.LoopbackNode.Symlink(ctx, target, name, out)
	if errno == 0 {
		n.st.dirOp(&dirOp{pgid: caller(ctx), kind: "create", path: n.rel(name)})
	}
	return ch, errno
}

var _ = (fs.NodeLinker)((*node)(nil))

func (n *node) Link(ctx context.Context, target fs.InodeEmbedder, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if n.st.full() {
		return nil, syscall.ENOSPC
	}
	ch, errno := n.LoopbackNode.Link(ctx, target, name, out)
	if errno == 0 {
		n.st.dirOp(&dirOp{pgid: caller(ctx), kind: "create", path: n.rel(name)})
	}
	return ch, errno
}

var _ = (fs.NodeMkdirer)((*node)(nil))

func (n *node) Mkdir(ctx context.Context, name string, mode uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if n.st.full() {
		return nil, syscall.ENOSPC
	}
	ch, errno := n.LoopbackNode.Mkdir(ctx, name, mode, out)
	if errno == 0 {
		n.st.dirOp(&dirOp{pgid: caller(ctx), kind: "mkdir", path: n.rel(name)})
	}
	return ch, errno
}

var _ = (fs.NodeUnlinker)((*node)(nil))

func (n *node) Unlink(ctx context.Context, name string) syscall.Errno {
	rel := n.rel(name)
	trash := n.st.keepAside(rel)
	errno := n.LoopbackNode.Unlink(ctx, name)
	if errno == 0 {
		n.st.dirOp(&dirOp{pgid: caller(ctx), kind: "unlink", path: rel, trash: trash})
	} else if trash != "" {
		removeQuiet(trash)
	}
	return errno
}

var _ = (fs.NodeRmdirer)((*node)(nil))

func (n *node) Rmdir(ctx context.Context, name string) syscall.Errno {
	rel := n.rel(name)
	var st syscall.Stat_t
	_ = syscall.Lstat(filepath.Join(n.st.backing, rel), &st)
	errno := n.LoopbackNode.Rmdir(ctx, name)
	if errno == 0 {
		n.st.dirOp(&dirOp{pgid: caller(ctx), kind: "rmdir", path: rel, mode: st.Mode})
	}
	return errno
}

var _ = (fs.NodeRenamer)((*node)(nil))

func (n *node) Rename(ctx context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	if flags&unixRenameExchange != 0 {
		return syscall.EINVAL // not modelled: refused rather than passed through unrecorded
	}
	from := n.rel(name)
	to := filepath.Join(newParent.EmbeddedInode().Path(n.Root()), newName)
	trash := n.st.keepAside(to)
	var st syscall.Stat_t
	replacedDir := uint32(0)
	if trash == "" && syscall.Lstat(filepath.Join(n.st.backing, to), &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFDIR {
		replacedDir = st.Mode
	}
	errno := n.LoopbackNode.Rename(ctx, name, newParent, newName, flags)
	if errno == 0 {
		n.st.dirOp(&dirOp{pgid: caller(ctx), kind: "rename", path: from, path2: to, trash: trash, mode: replacedDir})
	} else if trash != "" {
		removeQuiet(trash)
	}
	return errno
}

const unixRenameExchange = 0x2

var _ = (fs.NodeOpendirHandler)((*node)(nil))

// OpendirHandle wraps the loopback's directory stream so that an fsync of the directory reaches the state.
func (n *node) OpendirHandle(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	ds, errno := fs.NewLoopbackDirStream(filepath.Join(n.st.backing, n.Path(n.Root())))
	if errno != 0 {
		return nil, 0, errno
	}
	return &dirHandle{ds: ds, n: n}, 0, 0
}

type dirHandle struct {
	ds fs.DirStream
	n  *node
}

func (d *dirHandle) Readdirent(ctx context.Context) (*fuse.DirEntry, syscall.Errno) {
	if r, ok := d.ds.(fs.FileReaddirenter); ok {
		return r.Readdirent(ctx)
	}
	return nil, syscall.ENOTSUP
}

func (d *dirHandle) Seekdir(ctx context.Context, off uint64) syscall.Errno {
	if s, ok := d.ds.(fs.FileSeekdirer); ok {
		return s.Seekdir(ctx, off)
	}
	return syscall.ENOTSUP
}

func (d *dirHandle) Releasedir(ctx context.Context, flags uint32) {
	if r, ok := d.ds.(fs.FileReleasedirer); ok {
		r.Releasedir(ctx, flags)
	} else {
		d.ds.Close()
	}
}

func (d *dirHandle) Fsyncdir(ctx context.Context, flags uint32) syscall.Errno {
	return d.n.st.fsync(d.n.EmbeddedInode(), d.n.Path(d.n.Root()), true, caller(ctx))
}
