package templates

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// LockFile records the hash of every released template version.
const LockFile = "versions.lock"

// hashDir hashes a template folder: the manifest and the bodies, by name.
func hashDir(fsys fs.FS, dir string) (string, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*"))
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		if base := path.Base(name); base != "manifest.yaml" && !strings.HasSuffix(base, ".tmpl") {
			continue
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", path.Base(name), len(raw))
		h.Write(raw)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func readLock(fsys fs.FS) (map[string]string, error) {
	lock := map[string]string{}
	raw, err := fs.ReadFile(fsys, LockFile)
	if errors.Is(err, fs.ErrNotExist) {
		return lock, nil
	}
	if err != nil {
		return nil, fmt.Errorf("templates: %s: %w", LockFile, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, sum, ok := strings.Cut(line, " ")
		if !ok || len(strings.TrimSpace(sum)) != 64 {
			return nil, fmt.Errorf("templates: %s:%d: want \"<id>@<version> <sha256>\"", LockFile, n)
		}
		lock[key] = strings.TrimSpace(sum)
	}
	return lock, nil
}

// Key is how a template version is named: "<id>@<version>".
func (t *Template) Key() string { return fmt.Sprintf("%s@%d", t.ID, t.Version) }

// Hash is the SHA-256 of the version's manifest and bodies.
func (t *Template) Hash() string { return t.hash }

// CheckLock reports every template version whose content differs from the
// hash recorded when it was released (cases pinned to it would change),
// and every version not recorded yet.
func (c *Catalog) CheckLock() []error {
	var errs []error
	for _, t := range c.All() {
		want, ok := c.lock[t.Key()]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s (%s) is not in %s: run `dossier templates lock` once the version is final", t.Key(), t.Dir, LockFile))
		case want != t.hash:
			errs = append(errs, fmt.Errorf("%s (%s) changed after release: cases pinned to version %d would change; copy the released version to %s/ unchanged and raise the version in %s/manifest.yaml", t.Key(), t.Dir, t.Version, t.Key(), t.ID))
		}
	}
	return errs
}

// Lock returns the content of versions.lock with every version of the
// catalogue recorded. It refuses to change the hash of a version already
// recorded: a released version is never rewritten.
func (c *Catalog) Lock() ([]byte, error) {
	lines := []string{"# Released template versions and their SHA-256 (dossier templates lock).", "# A case pins its version; never edit a released one: raise the version."}
	for _, t := range c.All() {
		if want, ok := c.lock[t.Key()]; ok && want != t.hash {
			return nil, fmt.Errorf("templates: %s changed after release; restore it and raise the version instead", t.Key())
		}
		lines = append(lines, t.Key()+" "+t.hash)
	}
	return []byte(strings.Join(lines, "\n") + "\n"), nil
}
