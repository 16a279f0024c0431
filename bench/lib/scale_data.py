"""The (x) data set: a year of a mid-size shop, generated deterministically and streamed in batches.

Every order follows one lifecycle below (mean ~2.8 versions), statuses from docs/contract.md §2's
vocabulary (sql/tables/status_stages.sql), Shopify's included. Some orders send their statuses in
other cases ("Cancelled", "SHIPPED"), some never send updated_at, some deliver their last two versions
in the wrong order (the older event arrives last), and some resend a version identically (counted
`unchanged`, docs/contract.md §2 "Unchanged versions"). bench/run keys its cache of the built database
by this file's text: edit the data set here and the next run rebuilds it.
"""

from orders import mix, utc  # the same hash and time format as the (c) and (v) data sets

LIFECYCLES = [  # (share in 100, statuses of versions 1..n)
    (30, ["pending", "processing", "shipped", "delivered"]),
    (16, ["new"]),  # still open
    (12, ["paid", "fulfilled"]),
    (8, ["paid", "partially_fulfilled", "fulfilled"]),
    (6, ["authorized", "paid", "fulfilled"]),
    (8, ["pending", "cancelled"]),
    (5, ["paid", "refunded"]),
    (4, ["paid", "fulfilled", "partially_refunded"]),
    (5, ["pending", "processing", "shipped", "delivered", "returned"]),
    (4, ["open", "voided"]),
    (2, ["on-hold", "failed"]),
]
PATHS = [path for share, path in LIFECYCLES for _ in range(share)]
MAX_VERSIONS = max(len(p) for p in PATHS)
DAY0 = 1735689600  # 2025-01-01T00:00:00Z: orders placed over 365 days
DETAILS = ["Laptop, Mouse", "Desk", "Monitor, Cable, Stand", "Phone case", "Chair, Lamp"]




CHUNK = 20000  # orders whose passes are sent together: the versions of one order arrive
                # ~20,000 orders apart, and memory holds one chunk's rows (~10 MB) at a time


def order_rows(i):
    """Order i: its rows (JSON text) in the order they are sent, each tagged with its pass."""
    h = mix(i, 2)
    path = PATHS[h % 100]
    case, details = (h >> 7) % 20, DETAILS[(h >> 12) % len(DETAILS)]
    no_time = (h >> 15) % 33 == 0  # a client that never sends updated_at
    # The last two versions arrive swapped: the older event is stored last.
    swapped = not no_time and len(path) >= 2 and (h >> 21) % 20 == 0
    # Version 1 sent again, identically, in pass 2 (only with updated_at: without it, a resend after
    # a newer version would be a new version, not an identical resend).
    resend = not no_time and (h >> 26) % 50 == 0
    g = mix(i, 3)
    placed = DAY0 + mix(i, 1) % (365 * 86400)
    head = (f'{{"order_id":"x-{i:07d}","order_date":"{utc(placed)}","order_details":"{details}",'
            f'"total":{10 + g % 200000 / 100:.2f},"order_status":"')
    at = placed + 60 + (g >> 18) % 600
    versions = []
    for v, status in enumerate(path):
        if v:
            at += 3600 + mix(i, 3 + v) % (72 * 3600)
        if case == 0:
            status = status.capitalize()
        elif case == 1:
            status = status.upper()
        versions.append(head + status + ('"}' if no_time else f'","updated_at":"{utc(at)}"}}'))
    if swapped:
        versions[-2], versions[-1] = versions[-1], versions[-2]
    out = list(enumerate(versions, 1))
    if resend:
        out.append((2, versions[0]))
    return out


def chunks(n):
    """Per chunk of orders, its passes: pass p holds every order's p-th version (how real updates
    come in), pass 2 also the identical resends. Streamed: one chunk in memory at a time."""
    for lo in range(0, n, CHUNK):
        passes = [[] for _ in range(max(MAX_VERSIONS, 2))]
        for i in range(lo, min(n, lo + CHUNK)):
            for p, row in order_rows(i):
                passes[p - 1].append(row)
        yield [p for p in passes if p]
