#!/usr/bin/env python3
"""Writes requests.tsv for wrk: N ballot POSTs, each from a different voter, with a valid signed
voter session, CSRF token and one-time submission token, computed with the server secret exactly as Mizan computes them.

usage: MIZAN_SECRET=<hex> python3 make-requests.py CYCLE_ID PROJECT_ID[,PROJECT_ID] N [FIRST] > requests.tsv
(voters BM<FIRST> to BM<FIRST+N-1>; FIRST defaults to 0)
"""
import base64, hashlib, hmac, os, sys, time
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive(master, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info.encode()).derive(master)


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


master = bytes.fromhex(os.environ["MIZAN_SECRET"])
signing = derive(master, "mizan web signing v1")
registry = derive(master, "mizan registry v1")
sign = lambda message: b64url(hmac.new(signing, message.encode(), hashlib.sha256).digest())

cycle, projects, count = int(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3])
first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
expires = int(time.time()) + 3600
for index in range(first, first + count):
    voter = hmac.new(registry, f"cin:BM{index:06d}".encode(), hashlib.sha256).digest()
    body = f"v2.{cycle}.{b64url(voter)}.-.registry.{expires}"
    token = b64url(os.urandom(18))
    cookie = f"mz_voter={body}.{sign(body)}; mz_csrf={token}"
    submission = b64url(os.urandom(16))
    form = f"csrf={sign('csrf:' + token)}&submission={submission}&" + "&".join(f"project={p}" for p in projects)
    print(f"{cookie}\t{form}")
