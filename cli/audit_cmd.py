"""`shaqyru audit`: re-checks, offline, every signature a case holds (issue 9).

From the case's history alone (fetched from Temporal, or a file exported with
`temporal workflow show -o json` or WorkflowHistory.to_json) it takes the trust anchors
the case captured at registration, then checks every action the case accepted with the
same pure function the case used, in order, nonces included; and the chairman's CMS over
the issued PDF (from the document store) with openssl against those CAs. Years later
this needs only the history, the documents and, for an encrypted history, the key ring.

Exit status: 0 every signature holds; 1 one does not (or the history was altered so
that it cannot be read); 2 bad input (an unknown case included); 3 the server cannot be
reached.

A person reads each signer by the name his certificate gives him, with its serial; the
certificate's whole subject is in `--json`."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.service import RPCError, RPCStatusCode

import settings as config
from cli.context import current_lang, verbose
from models.decisions import ChairmanDecision, Forward, MemberDecision, ResultSigning
from models.signature import CaseTrust, command_fields
from rules.signatures import signer, verify_action
from texts import has, t

ALL_HOLD, BROKEN, BAD_INPUT, UNREACHABLE = 0, 1, 2, 3

_COMMANDS: dict[str, type] = {
    "forward": Forward,
    "member_decision": MemberDecision,
    "chairman_decision": ChairmanDecision,
    "sign_result": ResultSigning,
}


@dataclass
class Finding:
    what: str
    """The action's name as signed, or `result signature` / `result`."""
    actor: str
    who: str
    """The certificate's subject (and serial), as `--json` gives it."""
    ok: bool
    says: Callable[[str], str] | None = None
    """Why, in a given language."""
    holder: Holder | None = None
    """Who signed, as a person reads it."""

    @property
    def reason(self) -> str:
        return self.says("en") if self.says else ""

    def as_json(self) -> dict:
        return {
            "what": self.what,
            "actor": self.actor,
            "who": self.who,
            "ok": self.ok,
            "reason": self.reason,
        }

    def label(self, lang: str) -> str:
        code = f"audit_{self.what.replace(' ', '_')}"
        return t(code, lang) if has(code) else self.what

    def line(self, lang: str, width: int = 20) -> str:
        # OK and FAIL, like [VALID], are for scripts that look: the same in every language.
        mark = "OK  " if self.ok else "FAIL"
        who = self.holder.text(lang) if self.holder else self.who
        tail = f": {self.says(lang)}" if self.says else ""
        return f"{mark} {self.label(lang):<{width}} {self.actor:<14} {who}{tail}"


@dataclass(frozen=True)
class Holder:
    """A certificate's holder by the name it gives him (its CN), with its serial when
    known, and whether it is one of the development keys (not for legal use)."""

    name: str
    serial: str = ""
    development: bool = False

    @classmethod
    def of(cls, subject: str, serial: str = "") -> Holder:
        from cryptography import x509

        try:
            name = x509.Name.from_rfc4514_string(subject)
        except ValueError:
            return cls(subject, serial)
        cn = [str(a.value) for a in name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
        org = [str(a.value) for a in name.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)]
        return cls(cn[0] if cn else subject, serial, bool(set(org) & _dev_organizations()))

    def text(self, lang: str) -> str:
        shown = t("audit_signer", lang, name=self.name, serial=self.serial)
        shown = shown if self.serial else self.name
        return shown + (f" ({t('audit_dev_key', lang)})" if self.development else "")


@cache
def _dev_organizations() -> frozenset[str]:
    """The organisation the development certificates name: the caseworkers' and the
    provider's (imported when an audit runs, not at every command's start)."""
    from cli.keys_dev_cmd import DEV_ORGANIZATION as CASEWORKERS
    from documents.sign import DEV_ORGANIZATION as PROVIDER

    return frozenset({CASEWORKERS, PROVIDER})


def _why(code: str, **params: Any) -> Callable[[str], str]:
    return lambda lang: t(code, lang, **params)


async def _decode(conv: DataConverter, payloads: Any, hint: type | None) -> Any:
    if not payloads:
        return None
    return (await conv.decode(list(payloads), [hint] if hint else None))[0]


async def audit_history(
    history: WorkflowHistory, conv: DataConverter, docs_dir: Path
) -> list[Finding]:
    """Every signature of the case, checked; raises ValueError when the history itself
    cannot be read (a payload altered under its encryption, say)."""
    case_id = history.workflow_id.removeprefix("application-")
    trust: CaseTrust | None = None
    scheduled: dict[int, str] = {}
    accepted: dict[str, tuple[str, Any]] = {}
    seen: list[str] = []
    found: list[Finding] = []
    issued_sha: str | None = None
    for ev in history.events:
        kind = ev.WhichOneof("attributes")
        if kind == "activity_task_scheduled_event_attributes":
            scheduled[ev.event_id] = ev.activity_task_scheduled_event_attributes.activity_type.name
        elif kind == "activity_task_completed_event_attributes":
            completed = ev.activity_task_completed_event_attributes
            name = scheduled.get(completed.scheduled_event_id, "")
            trust = await _captured(conv, name, completed.result.payloads) or trust
        elif kind == "marker_recorded_event_attributes":
            # A case opened since "local-steps" registers in a local activity: its answer
            # is a marker's, beside the marker's own data that names the activity.
            marker = ev.marker_recorded_event_attributes
            if marker.marker_name == "core_local_activity" and "result" in marker.details:
                data = await _decode(conv, marker.details["data"].payloads, None)
                name = data.get("activity_type", "") if isinstance(data, dict) else ""
                result = marker.details["result"].payloads
                trust = await _captured(conv, name, result) or trust
        elif kind == "workflow_execution_update_accepted_event_attributes":
            req = ev.workflow_execution_update_accepted_event_attributes.accepted_request
            cmd = await _decode(conv, req.input.args.payloads, _COMMANDS.get(req.input.name))
            accepted[req.meta.update_id] = (req.input.name, cmd)
        elif kind == "workflow_execution_update_completed_event_attributes":
            done = ev.workflow_execution_update_completed_event_attributes
            if done.outcome.HasField("failure") or done.meta.update_id not in accepted:
                continue
            action, cmd = accepted[done.meta.update_id]
            found.append(_check_action(case_id, action, cmd, trust, seen))
            if isinstance(cmd, ResultSigning):
                issued_sha = cmd.document_sha256
                found.append(_check_result(cmd, trust, docs_dir))
        elif kind == "workflow_execution_signaled_event_attributes":
            sig = ev.workflow_execution_signaled_event_attributes
            cmd = await _decode(conv, sig.input.payloads, _COMMANDS.get(sig.signal_name))
            found += _signalled(case_id, sig.signal_name, cmd, trust, seen)
    if trust is not None and trust.trust is not None and issued_sha is None:
        found.append(Finding("result", "-", "-", True, _why("audit_not_signed_yet")))
    return found


async def _captured(conv: DataConverter, activity: str, payloads: Any) -> CaseTrust | None:
    """The trust anchors a case captured at registration: the answer of `capture_trust`,
    or the `trust` in that of `open_case`, which registers and captures in one."""
    if activity == "capture_trust":
        captured: CaseTrust = await _decode(conv, payloads, CaseTrust)
        return captured
    if activity == "open_case":
        opened = await _decode(conv, payloads, None)
        return CaseTrust.model_validate(opened["trust"]) if isinstance(opened, dict) else None
    return None


def _signalled(
    case_id: str, name: str, cmd: Any, trust: CaseTrust | None, seen: list[str]
) -> list[Finding]:
    """A signal the case refused is kept in history too: only the genuine ones can have
    been taken, and in a case of signed actions those must verify."""
    if trust is None or trust.trust is None:
        return []
    if not isinstance(cmd, Forward | MemberDecision | ChairmanDecision):
        return []
    checked = _check_action(case_id, name, cmd, trust, seen)
    return [checked] if checked.ok else []


def _check_action(
    case_id: str, action: str, cmd: Any, trust: CaseTrust | None, seen: list[str]
) -> Finding:
    actor = getattr(cmd, "actor", "?")
    if cmd is None or not hasattr(cmd, "signature"):
        return Finding(action, actor, "-", False, _why("audit_unreadable_command"))
    if trust is None or trust.trust is None:
        return Finding(action, actor, "-", True, _why("audit_unsigned_case"))
    block = cmd.signature
    who = signer(block) if block else {}
    label = f"{who.get('subject', '-')} #{who.get('serial', '-')}"
    holder = Holder.of(who["subject"], who.get("serial", "")) if "subject" in who else None
    refused = verify_action(
        block, case_id, action, command_fields(cmd), actor, trust.bindings, trust.trust, seen
    )
    if refused is not None:
        return Finding(action, actor, label, False, refused.text, holder)
    seen.append(block.nonce)
    return Finding(action, actor, label, True, holder=holder)


def _check_result(cmd: ResultSigning, trust: CaseTrust | None, docs_dir: Path) -> Finding:
    from documents import sign
    from documents.store import Corrupted, DocumentStore

    what = "result signature"
    if trust is None or trust.trust is None:
        return Finding(what, cmd.actor, "-", False, _why("audit_no_trust"))
    try:
        pdf = DocumentStore(docs_dir).get(cmd.document_sha256)
        cms = base64.b64decode(cmd.cms_base64, validate=True)
    except (OSError, Corrupted, binascii.Error, ValueError) as e:
        return Finding(what, cmd.actor, "-", False, _why("audit_no_document", error=e))
    with tempfile.TemporaryDirectory(prefix="shaqyru-audit-") as tmp:
        cas = Path(tmp, "ca.pem")
        cas.write_text("".join(trust.trust.ca_certificates_pem), encoding="ascii")
        try:
            found = sign.verify(pdf, cms, cas)
        except (sign.SignatureError, ValueError) as bad:
            return Finding(what, cmd.actor, "-", False, _why("audit_bad_signature", error=bad))
    holder = Holder.of(found.signer)
    if found.signer_sha256 not in trust.bindings.get(cmd.actor, []):
        return Finding(what, cmd.actor, found.signer, False, _why("audit_not_his"), holder)
    return Finding(what, cmd.actor, found.signer, True, holder=holder)


def audit_cmd(
    app: Annotated[str, typer.Argument(show_default=False)],
    history_file: Annotated[Path | None, typer.Option("--history")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Re-check every signature of a case, offline; exit 1 if any fails."""
    cfg = config.load()
    lang = current_lang()
    wid = f"application-{app.strip().removeprefix('application-')}"

    async def work() -> list[Finding]:
        history, conv = await _load(wid, history_file, cfg, lang)
        return await audit_history(history, conv, cfg.docs_dir)

    try:
        found = asyncio.run(work())
    except typer.Exit:
        raise
    except Exception as e:  # an altered payload: undecryptable, or no longer a command
        _say(t("audit_unreadable_history", lang), e, lang)
        raise typer.Exit(BROKEN) from None
    if as_json:
        typer.echo(json.dumps([f.as_json() for f in found], ensure_ascii=False))
    else:
        width = max((len(f.label(lang)) for f in found), default=0)
        for f in found:
            typer.echo(f.line(lang, width))
    if not found or not all(f.ok for f in found):
        raise typer.Exit(BROKEN)


def _say(message: str, detail: object, lang: str, hint: str | None = None) -> None:
    typer.echo(message, err=True)
    if hint:
        typer.echo(hint, err=True)
    if verbose():
        typer.echo(t("detail", lang, detail=detail), err=True)
    else:
        typer.echo(t("more_with_verbose", lang), err=True)


async def _load(
    wid: str, history_file: Path | None, cfg: config.Settings, lang: str
) -> tuple[WorkflowHistory, DataConverter]:
    """The case's history, from the file or the server, and the converter that reads it."""
    import codec
    from connection import connect

    if history_file is None:
        down = t("audit_no_history", lang, address=cfg.temporal_address)
        try:
            client = await asyncio.wait_for(connect(cfg), 5)
            return await client.get_workflow_handle(wid).fetch_history(), client.data_converter
        except RPCError as e:
            if e.status != RPCStatusCode.NOT_FOUND:
                _say(down, e, lang, t("hint_start_server", lang))
                raise typer.Exit(UNREACHABLE) from None
            app = wid.removeprefix("application-")
            _say(t("unknown_app", lang, app=app), e, lang, t("hint_check_id", lang))
            raise typer.Exit(BAD_INPUT) from None
        except Exception as e:  # the server is not there
            _say(down, e, lang, t("hint_start_server", lang))
            raise typer.Exit(UNREACHABLE) from None
    try:
        text = history_file.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as e:
        _say(t("audit_cannot_read_file", lang, file=history_file), e, lang)
        raise typer.Exit(BAD_INPUT) from None
    try:
        conv = codec.data_converter(codec.default_keys())
    except codec.CodecError:  # a history kept in clear needs no key
        from temporalio.contrib.pydantic import pydantic_data_converter

        conv = pydantic_data_converter
    try:
        return WorkflowHistory.from_json(wid, text), conv
    except (ValueError, TypeError) as e:
        _say(t("audit_not_a_history", lang, file=history_file), e, lang)
        raise typer.Exit(BAD_INPUT) from None


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_cmd)
