#!/usr/bin/env python3
"""usage: MIZAN_SECRET=<hex> python3 make-identify.py N > identify.tsv

requests for wrk (Benchmarks/ballots/post.lua): POST /fr/cycles/1/vote with the demo's 50 voters and their right birth
dates, each with a CSRF cookie and field signed with the server secret (as make-requests.py)."""
import base64, hashlib, hmac, os, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
def b64url(d): return base64.urlsafe_b64encode(d).decode().rstrip("=")
master = bytes.fromhex(os.environ["MIZAN_SECRET"])
signing = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mizan web signing v1").derive(master)
sign = lambda m: b64url(hmac.new(signing, m.encode(), hashlib.sha256).digest())
for n in range(int(sys.argv[1])):
    i = 1 + n % 50
    token = b64url(os.urandom(18))
    date = f"{1960 + i % 40:04d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
    print(f"mz_csrf={token}\tcsrf={sign('csrf:' + token)}&national_id=DM{i:06d}&birth_date={date}")
