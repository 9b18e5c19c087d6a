package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// ChromiumFigures are Chromium's, printing one letter at a time, each in a
// new tab that is closed afterwards, as HTML-to-PDF services do.
type ChromiumFigures struct {
	Version string `json:"version"`
	Letters int    `json:"letters"`
	// MsPerLetter is the mean elapsed time per letter: open a tab, load
	// the page and its fonts, print, close the tab.
	MsPerLetter float64 `json:"ms_per_letter"`
	P50Ms       float64 `json:"p50_ms"`
	P95Ms       float64 `json:"p95_ms"`
	// CPUMsPerLetter is the CPU time of Chromium's processes per letter,
	// 0 where it cannot be read.
	CPUMsPerLetter float64 `json:"cpu_ms_per_letter,omitempty"`
	Bytes          int     `json:"bytes_per_letter"` // mean PDF size
}

// errNoChromium means no Chromium binary was given or found on PATH.
var errNoChromium = errors.New("bench: no Chromium on PATH (chromium, chromium-browser, google-chrome); give one with --chromium")

// findChromium returns the path of the binary to run: path itself, or
// the first known name found on PATH. It returns errNoChromium when path
// is empty and nothing is found, and exec's error for a path that is not
// an executable.
func findChromium(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("bench: chromium: %w", err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errNoChromium
}

// measureChromium prints opts.ChromiumN letters, cycling through the
// examples, after one untimed letter that starts the browser and fills
// its cache with the fonts.
func measureChromium(ctx context.Context, path string, examples []Example, opts LettersOptions) (*ChromiumFigures, error) {
	srv, err := serveLetters(examples)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	bctx, stop, err := startChromium(ctx, path)
	if err != nil {
		return nil, err
	}
	defer stop()
	fig := &ChromiumFigures{Letters: opts.ChromiumN}
	if v, err := cdp.Call(bctx, chromedp.FromContext(bctx).Browser, browser.GetVersion, cdp.Empty{}); err == nil {
		fig.Version = v.Product
	}
	if _, err := printLetter(bctx, srv, 0); err != nil {
		return nil, err
	}
	pid := chromedp.FromContext(bctx).Browser.Process().Pid
	cpu0, cpuOK := processTreeCPU(pid)
	elapsed, size := make([]time.Duration, 0, opts.ChromiumN), 0
	for i := range opts.ChromiumN {
		start := time.Now()
		out, err := printLetter(bctx, srv, i%len(examples))
		if err != nil {
			return nil, fmt.Errorf("chromium %s: %w", examples[i%len(examples)].Name, err)
		}
		elapsed, size = append(elapsed, time.Since(start)), size+len(out)
		if (i+1)%5 == 0 || i+1 == opts.ChromiumN {
			fmt.Fprintf(opts.Progress, "chromium: %d/%d letters, %.0f ms/letter\n", i+1, opts.ChromiumN, meanMs(elapsed))
		}
	}
	if cpu1, ok := processTreeCPU(pid); cpuOK && ok {
		fig.CPUMsPerLetter = float64(cpu1-cpu0) / float64(time.Millisecond) / float64(opts.ChromiumN)
	}
	fig.MsPerLetter, fig.Bytes = meanMs(elapsed), size/opts.ChromiumN
	fig.P50Ms, fig.P95Ms = percentileMs(elapsed, 50), percentileMs(elapsed, 95)
	return fig, nil
}

// startChromium starts headless Chromium with its first tab, in a
// temporary profile removed by stop.
func startChromium(ctx context.Context, path string) (bctx context.Context, stop func(), err error) {
	dir, err := os.MkdirTemp("", "dossier-bench-chromium-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(dir))
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancel := chromedp.NewContext(alloc)
	stop = func() { cancel(); cancelAlloc(); os.RemoveAll(dir) }
	if err := chromedp.Do(bctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("bench: start chromium %s: %w", path, err)
	}
	return bctx, stop, nil
}

// printLetter opens a new tab on example i, waits for its fonts, prints
// it to an A4 PDF with the letter's footer, and closes the tab. The tab
// opens in the browser's window, as HTML-to-PDF services open theirs:
// this chromedp opens a new window per target by default, which costs
// Chromium a third more per letter.
func printLetter(bctx context.Context, srv *letterServer, i int) ([]byte, error) {
	ctx, cancel := context.WithTimeout(bctx, time.Minute)
	defer cancel()
	tab, closeTab := chromedp.NewContext(ctx, chromedp.WithNewWindow(false))
	defer closeTab()
	if err := chromedp.Do(tab, chromedp.Navigate(srv.url+"/letters/"+strconv.Itoa(i))); err != nil {
		return nil, err
	}
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return nil, fmt.Errorf("fonts: %w", err)
	}
	out, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFMargins(20/25.4, 20/25.4, 25/25.4, 20/25.4),
		chromedp.PDFHeaderTemplate(`<span></span>`), chromedp.PDFFooterTemplate(srv.footers[i])))
	if err != nil {
		return nil, fmt.Errorf("print: %w", err)
	}
	return out, chromedp.Cancel(tab)
}

// letterServer serves the examples as HTML, with the fonts and the logo,
// on a loopback port.
type letterServer struct {
	url     string
	footers []string
	close   func()
}

// serveLetters starts a letterServer. The fonts and the logo may be
// cached by the browser, as a service's static files are.
func serveLetters(examples []Example) (*letterServer, error) {
	pages := make([][]byte, len(examples))
	srv := &letterServer{footers: make([]string, len(examples))}
	for i, ex := range examples {
		var err error
		if pages[i], err = letterHTML(ex.Letter); err != nil {
			return nil, fmt.Errorf("bench: html %s: %w", ex.Name, err)
		}
		srv.footers[i] = footerHTML(ex.Letter)
	}
	static := map[string][]byte{"/fonts/regular.ttf": goregular.TTF, "/fonts/bold.ttf": gobold.TTF,
		"/fonts/italic.ttf": goitalic.TTF, "/logo.png": examples[0].Letter.Logo}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /letters/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 || i >= len(pages) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(pages[i])
	})
	for path, body := range static {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=86400")
			w.Write(body)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	srv.url, srv.close = "http://"+ln.Addr().String(), func() { hs.Close() }
	return srv, nil
}

// meanMs returns the mean of ds in milliseconds.
func meanMs(ds []time.Duration) float64 {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return float64(sum) / float64(time.Millisecond) / float64(max(1, len(ds)))
}
