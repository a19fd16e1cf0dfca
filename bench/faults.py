"""Fault injection, every row of issue 17's table (``make faults``): prints, per fault, what
was sent, answered, counted, logged and lost, and the recovery time; exits 1 if anything
was lost.

On the script's own PostgreSQL cluster (``bench/faults_scans.py``: ``pg_createcluster 15
faults``, port 5491, created on the first run, stopped at the end — the shared server on
5432 is never restarted): a throwaway database, 300,000 stamps.

1. The scan rows (``faults_scans.py``, gunicorn under wrk): no fault; ``kill -9`` of one
   gunicorn worker; PostgreSQL restarted (``-m fast``), stopped 10 s, crashed
   (``-m immediate``); odd bytes (``/s/%00`` and others, ten times each) amid the load.
   *sent* requests, *answered* verifications with a verdict, *counted* visits on their
   stamps, *logged* their scan events, *lost* answered visits without count or event plus
   stamps whose count is not their events; *recovery* from the fault's end to the next
   verdict.
2. The job rows (``faults_jobs.py``, ``manage.py worker``):
   - the stamp issue's worker killed at 50,000 of 300,000 (``--issue``, ``--kill-at``), a
     new worker started at once: *sent* stamps ordered, *answered* stamps made, *counted*
     distinct serials, *logged* the stamps the issue's last step records, *lost* stamps
     missing, twice or beyond the order; *recovery* from the kill to the batch issued
     (the new worker takes the task again once it is ``--stale-after`` seconds old);
   - processes killed (SIGKILL) right after the commit of a change that needs a job — a
     batch approved (its issue), a notice (its e-mail), a certificate saved (its plans'
     snapshot refresh), ``--commits`` of each: *sent* changes, *answered* changes
     committed, *counted* their jobs in the queue, *logged* jobs done (batches issued,
     e-mails received, refreshes finished), *lost* the difference; *recovery* from the
     worker's start to the last job done;
   - the SMTP server down ``--smtp-down`` seconds while ``--mails`` e-mails are sent, then
     back: *sent* e-mails, *answered* distinct e-mails received, *counted* all received
     (a duplicate shows here), *logged* send tasks that succeeded, *lost* e-mails missing,
     twice, or failed for good; *recovery* from the server's return to the last e-mail.

    make faults                      # or: .venv/bin/python bench/faults.py --only SMTP
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import faults_table
from _common import bench_database
from faults_jobs import job_rows
from faults_scans import options, own_cluster, report, scan_rows, stop_cluster


def main() -> None:
    args = options(
        issue=(int, 300_000, "stamps of the batch whose issue's worker is killed"),
        kill_at=(int, 50_000, "stamps made when the worker is killed"),
        commits=(int, 5, "processes killed after their commit, per kind of job"),
        mails=(int, 20, "e-mails sent while the SMTP server is down"),
        smtp_down=(float, 10.0, "seconds the SMTP server stays down"),
        stale_after=(int, 60, "the workers' OCOP_TASK_STALE_AFTER (above the longest task)"),
    )
    cluster = own_cluster(args)
    var = Path(tempfile.mkdtemp(prefix="ocop-faults-var-"))
    tmp = Path(tempfile.mkdtemp(prefix="ocop-faults-"))
    try:
        with bench_database(args.database, keep=args.keep):
            scans, miscounted = scan_rows(args, cluster, var, tmp)
            jobs = job_rows(
                var, args, lambda key: not args.only or args.only in key or args.only == "jobs"
            )
    finally:
        stop_cluster(args)
    print()
    scans_lost = report(scans, miscounted, var) if scans else 0
    print()
    for r in jobs:
        print(f"{r['fault']}: {r['note']}")
    print()
    print(faults_table.table(scans + jobs))
    total = faults_table.lost(jobs) + scans_lost
    print(f"\nlogs: {var}\nRESULT lost: {total}")
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
