"""``ask --explain``: why the bot decided what it did, for operators fixing phrasings."""

from __future__ import annotations

from bot.decision import NO_CONTEXT, ChatContext, Responder


def explain(responder: Responder, text: str, context: ChatContext = NO_CONTEXT) -> str:
    """A readable report: normalised text, terms, corrections, top 5 targets and the decision."""
    query = responder.index.analyze(text)
    decision = responder.decide(text, context)
    settings = responder.knowledge.matching
    lines = [
        f"message:     {text!r}",
        f"normalised:  {query.normalized!r}",
        f"terms:       {', '.join(f'{t}' if q == 1 else f'{t} ({q:.2f})' for t, q in query.terms.items()) or '-'}",
    ]
    if query.corrections:
        lines.append("corrected:   " + ", ".join(f"{a} -> {b}" for a, b in query.corrections.items()))
    if query.unknown:
        lines.append("unknown:     " + ", ".join(query.unknown))
    lines.append(f"thresholds:  min_score {settings.min_score:g}, ambiguity_margin {settings.ambiguity_margin:g}")
    lines.append("top matches:")
    for rank, candidate in enumerate(responder.index.rank(query, limit=5), 1):
        lines.append(f"  {rank}. {candidate.score:5.1f}  {candidate.target.kind}:{candidate.target.id}"
                     f"  via {candidate.phrasing!r}  matched [{', '.join(candidate.matched)}]")
    label = decision.id or ", ".join(decision.options) or "-"
    crisis = f" (crisis category {decision.crisis.category})" if decision.crisis else ""
    lines.append(f"decision:    {decision.kind} {label} score {decision.score:.1f}{crisis}")
    return "\n".join(lines) + "\n"
