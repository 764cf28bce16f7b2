"""``python -m bot review`` as text: the operators' view of the inbox, the votes and the decision mix."""

from __future__ import annotations

from bot.runtime.review import Review

TOP = 20  # groups and entries shown; --json has them all


def render(review: Review) -> str:
    lines = [f"Unanswered questions, last {review.days} days (grouped by meaning; redacted):"]
    if not review.unanswered:
        lines.append("  none stored (is UNANSWERED_RETENTION_DAYS above 0?)")
    for n, group in enumerate(review.unanswered[:TOP], 1):
        lines.append(f"  {n:>2}. {group.count:>3}x  {group.text!r}")
        lines.append(f"       suggested entry: {group.suggested or '-'}  (the bot now gives: {group.now})")
        lines += [f"       also asked as: {example!r}" for example in group.examples]
    lines += ["", "Answers rated down most (👎 / 👍):"]
    down = review.most_down()
    lines += [f"  {entry}: {votes['down']} / {votes['up']}" for entry, votes in down[:TOP]] or ["  none"]
    lines += ["", "Decision mix:"]
    for days, mix in review.decisions.items():
        total = sum(mix.values())
        shares = ", ".join(f"{kind} {count} ({100 * count / total:.0f}%)" if total else f"{kind} 0"
                           for kind, count in mix.items())
        lines.append(f"  last {days} days: {shares}")
    if review.unanswered:
        lines += ["", "To add a reviewed question to an entry's phrasings:",
                  "  python -m bot learn ENTRY_ID 'the question'   (comments kept; hot reload picks it up)"]
    return "\n".join(lines)
