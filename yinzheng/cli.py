"""The `yinzheng` console command.

    yinzheng serve [--bind 127.0.0.1:8000] [--workers N] [--threads N]
                                                            production server (gunicorn,
                                                            threaded workers)
    yinzheng demo [--no-serve]                              demo county, accounts, serve
    yinzheng migrate                                        apply database migrations
    yinzheng import-divisions DIR [--under CODE ...]        national division codes
    yinzheng createadmin USERNAME                           a system administrator
    yinzheng ledger verify [--chain KEY] [--json]           check every hash chain
    yinzheng ledger archive --year Y --committee CODE [--enqueue]  year-end archive
    yinzheng certificate verify FILE.pdf|TOKEN [--json]     is a certificate genuine?
    yinzheng esign trust-list|crl|certify|rotate-master-key the e-seal PKI
    yinzheng esign timestamp-renew [--enqueue]              archive timestamps
    yinzheng grant USERNAME ROLE CODE [--revoke]            give or take back a role
    yinzheng token USERNAME [--rotate]                      an API token
    yinzheng sms-test PHONE                                 test the SMS gateway (online
                                                            applications' codes)
    yinzheng lookup TEXT [--committee CODE] [--json]        "I was asked for …"
    yinzheng catalogue-export LIST_ID --format json|csv|xlsx  open data of a list
    yinzheng catalogue-import FILE.json --list ID --reason TEXT  a draft from a file
    yinzheng catalogue-import-batch FILE.json               a later national batch
    yinzheng platform-send [--under CODE] [--set COUNTY NAME URL] [--json]
                                                    publications → government-service platform
    yinzheng catalogue-announcements [--pending ID] [--under CODE] [--json]
                                                    who has not acknowledged a batch
    yinzheng catalogue-changes --from DATE --to DATE [--owner CODE] [--json]
                                                    items added/removed per period (REQ-019)
    yinzheng credit-export [--under CODE] [--dry-run] [--enqueue]  credit records → platform
    yinzheng supervision scan [--county CODE ...] [--json] [--enqueue]  register alerts
    yinzheng supervision draw COUNTY [--seed S] [--json]    special-inspection draw
    yinzheng supervision overdue [--under CODE] [--json]    late cases and items
    yinzheng supervision export-items --under CODE --out F | --enqueue  rectification list
    yinzheng stats export-table --county CODE [--unit CODE|DEPARTMENT]
                --format xlsx|pdf --output FILE | --enqueue  statistics table (REQ-101)
    yinzheng stats figures --division CODE [--from DATE --to DATE]
                --format json|csv [--output FILE]   statistics (REQ-103, REQ-114)
    yinzheng stats campaign-start --division CODE --template CODE --start YYYY-MM
                                                    a campaign from a template (REQ-104–107)
    yinzheng db_worker [--batch]                            run queued tasks
    yinzheng task-result ID [--output FILE] [--json]        a queued task and its file
    yinzheng <any other management command> ...

Sub-commands with a hyphen map to Django management commands with an underscore.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__.strip())
        return
    command = argv[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yinzheng", command, *argv[1:]])


if __name__ == "__main__":
    main()
