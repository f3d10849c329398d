#!/usr/bin/env python3
"""Vote client of failover.sh: casts one ballot per line of requests.tsv (make-requests.py: a new
voter each, with a signed session, CSRF token and one-time submission token) through nginx, from
THREADS threads. A request that is not acknowledged (anything but a 303 to the receipt page, or no
answer) is sent again, unchanged, as a voter pressing "send" again would, until it is; a
resubmission of a ballot already stored is recognised by its submission token and acknowledged.
Writes one line per acknowledgement (time, request index) to ACKS and per failed try (time, index,
what) to FAILURES; stops when the file STOP exists.

usage: failover-client.py REQUESTS HOST:PORT ACKS FAILURES STOP [THREADS]"""
import http.client, sys, threading, time, os

requests_file, address, acks_path, failures_path, stop_path = sys.argv[1:6]
threads = int(sys.argv[6]) if len(sys.argv) > 6 else 16
host, port = address.split(":")
lines = [line.rstrip("\n").split("\t") for line in open(requests_file)]
lock = threading.Lock()
next_index = [0]
acks, failures = open(acks_path, "w"), open(failures_path, "w")


def take():
    with lock:
        index = next_index[0]
        next_index[0] += 1
        return index if index < len(lines) else None


def worker():
    connection = None
    index = take()
    while index is not None and not os.path.exists(stop_path):
        cookie, body = lines[index]
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
            connection.request("POST", "/fr/cycles/1/ballot", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status == 303 and response.getheader("Location", "").endswith("/receipts"):
                with lock:
                    acks.write(f"{time.time():.3f}\t{index}\n")
                index = take()
                continue
            what = f"HTTP {response.status}"
        except Exception as error:  # connection refused or reset, timeout
            what = type(error).__name__
            connection = None
        with lock:
            failures.write(f"{time.time():.3f}\t{index}\t{what}\n")
        time.sleep(0.05)


pool = [threading.Thread(target=worker) for _ in range(threads)]
for thread in pool:
    thread.start()
for thread in pool:
    thread.join()
acks.close()
failures.close()
