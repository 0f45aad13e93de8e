#!/usr/bin/env python3
"""Downloads from a real HTTP server on 127.0.0.1 serving the test templates.

The server's first path element picks its behaviour:
  ok/     serves the file (with Range support)
  html/   answers 200 with an HTML page instead
  drop/   announces the full length, sends half, closes (every time)
  flaky/  like drop on the first request for a file, then ok (tests resume)
  stall/  sends nothing for 30 s
  404/    not found
usage: test_download.py SKYMODEL TEMPLATE_DIR
"""
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

binary, templates = sys.argv[1], sys.argv[2]
requests = Counter()
seen = set()
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_HEAD(self):
        mode, _, rel = self.path.lstrip("/").partition("/")
        path = os.path.join(templates, rel)
        if mode == "404" or not os.path.isfile(path):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(os.path.getsize(path)))
        self.end_headers()

    def do_GET(self):
        mode, _, rel = self.path.lstrip("/").partition("/")
        with lock:
            requests[(mode, rel)] += 1
            first = (mode, rel) not in seen
            seen.add((mode, rel))
        path = os.path.join(templates, rel)
        if mode == "404" or not os.path.isfile(path):
            self.send_error(404)
            return
        if mode == "stall":
            time.sleep(30)
            return
        if mode == "html":
            body = b"<html><body>maintenance</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        data = open(path, "rb").read()
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        if mode == "drop" or (mode == "flaky" and first):
            self.wfile.write(data[start:start + (len(data) - start) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data[start:])


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}"
failures = 0


def check(cond, msg):
    global failures
    if not cond:
        failures += 1
        print("FAILED:", msg)


def sim(tmp, mode, out, cache, extra=(), env=None):
    e = dict(os.environ, SKYMODEL_NET_RETRIES="1", SKYMODEL_NET_TIMEOUT="2")
    e.pop("SKYMODEL_DATA", None)
    e.pop("PYSM_LOCAL_DATA", None)
    e.update(env or {})
    cmd = [binary, "sim", "--preset", "f1", "--nside", "8", "--freq", "30", "-q", "--force",
           "-o", out, "--cache-dir", cache, "--data-url", f"{base}/{mode}/", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, env=e)


final = "pysm_2/ff_t_new.fits"
with tempfile.TemporaryDirectory() as tmp:
    ref = os.path.join(tmp, "ref.fits")
    subprocess.run([binary, "sim", "--preset", "f1", "--nside", "8", "--freq", "30", "-q",
                    "-o", ref, "--data-dir", templates], check=True)
    refbytes = open(ref, "rb").read()

    def same_map(path):  # the header's CREATOR card is identical, so bytes compare
        return os.path.exists(path) and open(path, "rb").read() == refbytes

    # 1. an empty cache downloads, caches and gives the same map; a second run asks nothing
    cache = os.path.join(tmp, "c1")
    out = os.path.join(tmp, "o1.fits")
    r = sim(tmp, "ok", out, cache)
    check(r.returncode == 0, f"download run: {r.stderr}")
    check(same_map(out), "downloaded templates give another map")
    check(os.path.isfile(os.path.join(cache, final)), "not cached")
    n = sum(requests.values())
    r = sim(tmp, "ok", out, cache)
    check(r.returncode == 0 and sum(requests.values()) == n, "second run made requests")

    # 2. failures: a clear error, nothing under the final name
    for mode, needle, code in (("404", "HTTP 404", 2), ("html", "not a valid template", 2),
                               ("drop", "", 1), ("stall", "", 1)):
        cache = os.path.join(tmp, "c_" + mode)
        out = os.path.join(tmp, f"o_{mode}.fits")
        t0 = time.time()
        r = sim(tmp, mode, out, cache)
        msg = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
        check(r.returncode == code, f"{mode}: exit {r.returncode}, expected {code}: {msg}")
        check(needle in msg and msg.startswith("skymodel: "), f"{mode}: message {msg!r}")
        check(not os.path.exists(os.path.join(cache, final)), f"{mode}: broken file cached")
        check(not os.path.exists(out), f"{mode}: output written")
        check(time.time() - t0 < 20, f"{mode}: took {time.time() - t0:.0f} s")
        print(f"{mode}: {msg}")

    # 3. a dropped connection is resumed on retry
    cache = os.path.join(tmp, "c_flaky")
    out = os.path.join(tmp, "o_flaky.fits")
    r = sim(tmp, "flaky", out, cache)
    check(r.returncode == 0 and same_map(out), f"flaky: {r.stderr}")

    # 4. a corrupted cached file is moved aside and fetched again
    cache = os.path.join(tmp, "c1")
    with open(os.path.join(cache, final), "wb") as f:
        f.write(b"garbage")
    r = sim(tmp, "ok", out, cache, extra=("-v",))
    check(r.returncode == 0 and same_map(out), f"refetch: {r.stderr}")
    check("moved to" in r.stderr and os.path.exists(os.path.join(cache, final + ".bad")),
          "no warning or no .bad copy")

    # 5. four processes on an empty cache: all succeed, one download
    cache = os.path.join(tmp, "c4")
    before = requests[("ok", final)]
    procs = []
    for i in range(4):
        e = dict(os.environ, SKYMODEL_NET_RETRIES="1")
        e.pop("SKYMODEL_DATA", None)
        e.pop("PYSM_LOCAL_DATA", None)
        procs.append(subprocess.Popen(
            [binary, "sim", "--preset", "f1", "--nside", "8", "--freq", "30", "-q", "-o",
             os.path.join(tmp, f"p{i}.fits"), "--cache-dir", cache, "--data-url", f"{base}/ok/"],
            env=e, stderr=subprocess.PIPE, text=True))
    codes = [p.wait() for p in procs]
    check(codes == [0, 0, 0, 0], f"concurrent runs: {codes}")
    check(requests[("ok", final)] - before == 1,
          f"downloaded {requests[('ok', final)] - before} times")
    check(all(same_map(os.path.join(tmp, f"p{i}.fits")) for i in range(4)), "concurrent maps")

    # 6. offline with an empty cache fails at once, listing the file
    r = sim(tmp, "ok", os.path.join(tmp, "off.fits"), os.path.join(tmp, "c_off"),
            extra=("--offline",))
    check(r.returncode == 2 and final in r.stderr, f"offline: {r.stderr}")
    # 7. fetch --list shows sizes before, fetch downloads, then --offline runs
    cache = os.path.join(tmp, "c_fetch")
    e = dict(os.environ)
    e.pop("SKYMODEL_DATA", None)
    e.pop("PYSM_LOCAL_DATA", None)
    fetch = [binary, "fetch", "--preset", "f1,a1", "--cache-dir", cache, "--data-url", f"{base}/ok/"]
    r = subprocess.run(fetch + ["--list"], capture_output=True, text=True, env=e)
    size = os.path.getsize(os.path.join(templates, final))
    check(r.returncode == 0 and f"{size}  missing, to download" in r.stdout, f"list: {r.stdout}")
    check("5 files" in r.stdout and "5 missing" in r.stdout, f"list summary: {r.stdout}")
    r = subprocess.run(fetch + ["-q"], capture_output=True, text=True, env=e)
    check(r.returncode == 0, f"fetch: {r.stderr}")
    r = subprocess.run([binary, "sim", "--preset", "f1,a1", "--nside", "8", "--freq", "30", "-q",
                        "-o", os.path.join(tmp, "fetched.fits"), "--cache-dir", cache,
                        "--offline"], capture_output=True, text=True, env=e)
    check(r.returncode == 0, f"offline after fetch: {r.stderr}")
    r = subprocess.run(fetch + ["--list", "--offline"], capture_output=True, text=True, env=e)
    check("0 missing" in r.stdout and "cached" in r.stdout, f"list after fetch: {r.stdout}")
server.shutdown()
print(f"test_download: {failures} failed")
sys.exit(1 if failures else 0)
