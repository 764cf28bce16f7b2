"""The terminal chat's own commands: /region, unknown commands, numbers outside the offered list."""

from __future__ import annotations

import io

from bot.console.terminal import COMMANDS_HELP, run_chat
from bot.decision import ChatContext, Responder


def chat(responder: Responder, *lines: str, region: str | None = None) -> list[str]:
    """The replies to ``lines``, one string per reply, as a piped session prints them."""
    out = io.StringIO()
    assert run_chat(responder, region=region, stdin=io.StringIO("".join(f"{line}\n" for line in lines)), out=out) == 0
    return [reply for reply in out.getvalue().split("\n\n") if reply]


def test_region_lists_the_regions_and_the_current_one(responder: Responder) -> None:
    policy = responder.knowledge.crisis
    [listing] = chat(responder, "/region")
    default = policy.region(None)
    assert listing.splitlines()[0] == f"Crisis lines now: {default.name} ({default.code}). Choose with /region CODE:"
    assert [line.split()[0] for line in listing.splitlines()[1:]] == list(policy.regions)
    [listing] = chat(responder, "/region", region="UK")
    assert listing.startswith(f"Crisis lines now: {policy.regions['UK'].name} (UK).")


def test_region_code_sets_the_region_for_crisis_replies(responder: Responder) -> None:
    policy = responder.knowledge.crisis
    set_reply, listing, crisis = chat(responder, "/region uk", "/region", "i want to kill myself")
    uk = ChatContext(region="UK")
    assert set_reply == f"Crisis lines set to {policy.regions['UK'].name}.\n{responder.footer_text(uk)}"
    assert listing.startswith(f"Crisis lines now: {policy.regions['UK'].name} (UK).")
    assert crisis == responder.crisis_text(uk).strip()


def test_an_unknown_region_is_refused_naming_the_choices(responder: Responder) -> None:
    policy = responder.knowledge.crisis
    refused, listing = chat(responder, "/region Narnia", "/region")
    assert refused.startswith("Unknown region 'Narnia'. Choose one of " + ", ".join(policy.regions))
    assert listing.startswith(f"Crisis lines now: {policy.region(None).name} ")  # unchanged


def test_unknown_commands_get_one_line_of_help_but_crisis_words_still_escalate(responder: Responder) -> None:
    unknown, crisis = chat(responder, "/stats", "/foo i want to kill myself")
    assert unknown == f"Unknown command /stats. {COMMANDS_HELP}"
    assert "\n" not in unknown
    assert crisis == responder.crisis_text(ChatContext()).strip()


def test_a_number_outside_the_offered_list_says_which_to_pick(responder: Responder) -> None:
    by_id, related = responder.knowledge.by_id, responder.knowledge.by_id["cost"].related
    out = "\n\n".join(chat(responder, "how much does it cost", str(len(related) + 1), "0", "1"))
    pick = f"\n\nPick 1-{len(related)}, or type a question.\n\n"
    after_answer = out.index(pick)
    assert out.count(pick.strip()) == 2 and out.index(pick.strip() + "\n\n" + pick.strip()) == after_answer + 2
    assert by_id["cost"].answer.strip() in out[:after_answer]
    assert by_id[related[0]].answer.strip() in out[after_answer:]  # then 1 picks the first suggestion


def test_digits_int_cannot_read_are_a_message_not_a_crash(responder: Responder) -> None:
    out = "\n\n".join(chat(responder, "how much does it cost", "²"))  # "²".isdigit() is true; int("²") raises
    assert out.endswith(responder.decide("²").reply.strip())
