#!/usr/bin/env python3
"""
An independent reference of the loan replay (SPEC "A loan's transactions"), written from the
spec's words with Python's decimal module and calendar module, not from domain/replay.ts.

    python3 test/reference/replay_reference.py < test/reference/replay-cases.json > out.json

reads {"cases": [{name, terms, disbursed_on, transactions, penalty?, charge_up_to?}]} and
writes the same cases with "expected" filled in; test/unit/replay.test.ts holds
domain/replay.ts to the result (kept in test/reference/replay-expected.json).
"""
import calendar
import datetime
import json
import sys
from decimal import ROUND_HALF_UP, Decimal, getcontext

getcontext().prec = 80
CENT = Decimal("0.01")
PARTS = ["penalty", "fee", "interest", "principal"]


def money(x):
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(d):
    return str(money(d))


def add_months(date, months):
    y, m = divmod(date.month - 1 + months, 12)
    y += date.year
    m += 1
    return datetime.date(y, m, min(date.day, calendar.monthrange(y, m)[1]))


def schedule(terms, disbursed_on):
    p = Decimal(terms["principal"])
    rate = Decimal(terms["interest_rate"])
    n = terms["tenure_months"]
    r = rate / 1200
    emi = money(p / n) if r == 0 else money(p * r * (1 + r) ** n / ((1 + r) ** n - 1))
    start = datetime.date.fromisoformat(disbursed_on)
    rows, balance = [], p
    for k in range(1, n + 1):
        interest = money(balance * rate / 1200)
        principal = balance if k == n else emi - interest
        balance -= principal
        rows.append({"number": k, "due_date": add_months(start, k),
                     "due": {"principal": principal, "interest": interest, "fee": Decimal(0), "penalty": Decimal(0)},
                     "paid": dict.fromkeys(PARTS, Decimal(0)), "waived": dict.fromkeys(PARTS, Decimal(0)),
                     "written_off": dict.fromkeys(PARTS, Decimal(0)), "charges": []})
    return rows


def unpaid(row, part):
    return row["due"][part] - row["paid"][part] - row["waived"][part] - row["written_off"][part]


def charge_left(c):
    return c["amount"] - c["paid"] - c["waived"] - c["written_off"]


def run(case):
    rows = schedule(case["terms"], case["disbursed_on"])
    charges = {}
    order = {"FEE": 0, "PENALTY": 0, "WAIVER": 1, "REPAYMENT": 2, "WRITE_OFF": 3}
    txs = [t for t in case["transactions"] if not t.get("reversed") and t["type"] != "DISBURSEMENT"]
    txs.sort(key=lambda t: (t["value_date"], order[t["type"]], t["id"]))
    # a written-off loan owes nothing more: no penalty is charged on it, whatever its date
    rule = None if any(t["type"] == "WRITE_OFF" for t in txs) else case.get("penalty")
    up_to = datetime.date.fromisoformat(case["charge_up_to"]) if case.get("charge_up_to") else None
    has_penalty = {t["installment_number"] for t in txs if t["type"] == "PENALTY"}
    new_penalties, repayments, waivers = [], [], []
    state = {"written_off": None, "next_checkpoint": 0}

    def book(cid, kind, number, date, amount):
        row = rows[number - 1]
        part = "fee" if kind == "FEE" else "penalty"
        row["due"][part] += amount
        c = {"id": cid, "type": kind, "part": part, "number": number, "value_date": date, "amount": amount,
             "paid": Decimal(0), "waived": Decimal(0), "written_off": Decimal(0)}
        row["charges"].append(c)
        charges[cid] = c

    def checkpoints(before):
        # the penalty of installment k is decided once every transaction dated up to its
        # due date + grace days has applied, before those dated the day after
        if not rule or up_to is None:
            return
        while state["next_checkpoint"] < len(rows):
            row = rows[state["next_checkpoint"]]
            pdate = row["due_date"] + datetime.timedelta(days=rule["grace_days"] + 1)
            if pdate > before or pdate > up_to:
                return
            state["next_checkpoint"] += 1
            if state["written_off"] is not None or row["number"] in has_penalty:
                continue
            left = unpaid(row, "principal") + unpaid(row, "interest")
            if left <= 0:
                continue
            amount = Decimal(rule["amount"]) if rule["kind"] == "FLAT" else money(left * Decimal(rule["amount"]) / 100)
            if amount <= 0:
                continue
            has_penalty.add(row["number"])
            book(-(len(new_penalties) + 1), "PENALTY", row["number"], pdate, amount)
            new_penalties.append({"installment_number": row["number"], "value_date": pdate.isoformat(), "amount": fmt(amount)})

    for t in txs:
        date = datetime.date.fromisoformat(t["value_date"])
        checkpoints(date)
        amount = Decimal(t["amount"])
        if t["type"] in ("FEE", "PENALTY"):
            book(t["id"], t["type"], t["installment_number"], date, amount)
        elif t["type"] == "WAIVER":
            c = charges.get(t["charge_id"])
            taken = min(amount, charge_left(c)) if c else Decimal(0)
            if c:
                c["waived"] += taken
                rows[c["number"] - 1]["waived"][c["part"]] += taken
            waivers.append({"id": t["id"], "charge_id": t["charge_id"], "amount": fmt(taken)})
        elif t["type"] == "REPAYMENT":
            left = Decimal(0) if state["written_off"] is not None else amount
            share = {"id": t["id"], "installments": [], **dict.fromkeys(PARTS, Decimal(0))}
            for row in rows:
                took = dict.fromkeys(PARTS, Decimal(0))
                for part in PARTS:  # penalty, fee, interest, principal
                    pay = min(left, unpaid(row, part))
                    if pay <= 0:
                        continue
                    row["paid"][part] += pay
                    took[part] = pay
                    left -= pay
                    if part in ("fee", "penalty"):
                        rest = pay
                        for c in row["charges"]:
                            if c["part"] == part and rest > 0:
                                s = min(rest, charge_left(c))
                                c["paid"] += s
                                rest -= s
                if any(v > 0 for v in took.values()):
                    share["installments"].append({"number": row["number"], **{k: fmt(v) for k, v in took.items()}})
                    for k in PARTS:
                        share[k] += took[k]
            share["unallocated"] = amount if state["written_off"] is not None else left
            repayments.append({k: (fmt(v) if isinstance(v, Decimal) else v) for k, v in share.items()})
        elif t["type"] == "WRITE_OFF" and state["written_off"] is None:
            total = dict.fromkeys(PARTS, Decimal(0))
            for row in rows:
                for part in PARTS:
                    rest = unpaid(row, part)
                    row["written_off"][part] += rest
                    total[part] += rest
            for c in charges.values():
                c["written_off"] += charge_left(c)
            state["written_off"] = total
    if up_to is not None:
        checkpoints(up_to)

    outstanding = {p: sum((unpaid(r, p) for r in rows), Decimal(0)) for p in PARTS}
    next_due = next((r["due_date"].isoformat() for r in rows if sum(unpaid(r, p) for p in PARTS) > 0), None)
    parts = lambda d: {p: fmt(d[p]) for p in ["principal", "interest", "fee", "penalty"]}
    return {
        "installments": [{"number": r["number"], "due_date": r["due_date"].isoformat(), "due": parts(r["due"]), "paid": parts(r["paid"]),
                          "waived": parts(r["waived"]), "written_off": parts(r["written_off"])} for r in rows],
        "repayments": repayments,
        "waivers": waivers,
        "written_off": parts(state["written_off"]) if state["written_off"] is not None else None,
        "new_penalties": new_penalties,
        "outstanding": parts(outstanding),
        "next_due_date": next_due,
    }


def main():
    cases = json.load(sys.stdin)["cases"]
    for case in cases:
        case["expected"] = run(case)
    json.dump({"cases": cases}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
