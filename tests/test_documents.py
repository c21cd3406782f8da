"""Rendering, signing and storing documents (issue 5)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import segno
import typer
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from cli import documents_cmd
from documents import render, sign, texts
from documents.store import Corrupted, DocumentStore
from models.application import Application, Service, SignedWith
from models.result import Result
from models.roster import District

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("openssl")),
    reason="needs poppler-utils and openssl",
)

DISTRICT = District.model_validate(
    {
        "code": "almaty-bostandyq",
        "name_kk": "Бостандық ауданы",
        "name_ru": "Бостандыкский район",
        "commission_kk": "Алматы қаласы Бостандық ауданының әскерге шақыру комиссиясы",
        "commission_ru": "Призывная комиссия Бостандыкского района города Алматы",
        "military_body_kk": "Бостандық ауданының қорғаныс істері жөніндегі басқармасы",
        "military_body_ru": "Управление по делам обороны Бостандыкского района",
        "chairman": {"id": "chair", "name": "Серікбаев Нұрлан Әбілқасымұлы"},
        "members": [{"id": "m1", "name": "Өмірзақова Гүлнұр Ботабайқызы"}],
    }
)
NAME = "Асқаров Ерлан Серікұлы"
ADDRESS = "Алматы қ., Бостандық ауданы, Әуезов к-сі, 12-үй, 34-пәтер"
ISSUED_AT = datetime(2025, 3, 12, 9, 41, 7, tzinfo=UTC)


def _result(**over: object) -> Result:
    base: dict[str, object] = dict(
        kind="conclusion",
        service="deferral",
        ground=5,
        application_id="EGOV-0001",
        registration_number="KZ-BOS-2025-000123",
        district=DISTRICT.code,
        commission=DISTRICT.commission_kk,
        applicant_name=NAME,
        applicant_address=ADDRESS,
        reason="Оқуына байланысты: әл-Фараби атындағы Қазақ ұлттық университеті, 2-курс",
        until=date(2027, 6, 30),
        chairman_id="chair",
        chairman_name=DISTRICT.chairman.name,
        issued_at=ISSUED_AT,
        issued_on=date(2025, 3, 12),
    )
    base.update(over)
    return Result.model_validate(base)


DEFERRAL = _result()
EXEMPTION = _result(
    service="exemption",
    ground=6,
    until=None,
    reason="Ғылыми дәрежесі бар: философия докторы (PhD)",
    registration_number="KZ-BOS-2025-000124",
)
REFUSAL = _result(
    kind="refusal",
    until=None,
    refusal_ground=1,
    refusal_reasons=[
        "оқу орнының анықтамасы 2023 жылы берілген, оқу мерзімі өтіп кеткен",
        "анықтамадағы ЖСН өтініш берушінің ЖСН-іне сәйкес келмейді.",
    ],
    registration_number="KZ-BOS-2025-000125",
)
APPLICATION = Application.model_validate(
    {
        "application_id": "EGOV-0001",
        "service": "deferral",
        "ground": 5,
        "applicant": {
            "iin": "030415500123",
            "surname": "Асқаров",
            "name": "Ерлан",
            "patronymic": "Серікұлы",
            "address": ADDRESS,
            "phone": "+77011234567",
            "district": DISTRICT.code,
        },
        "submitted_at": "2025-03-07T19:20:00+05:00",
        "signed_with": "otp",
        "documents": [
            {
                "kind": "study_certificate",
                "file_name": "анықтама-ҚазҰУ.pdf",
                "media_type": "application/pdf",
                "size": 120431,
                "sha256": "a" * 64,
                "ref": "egov://files/1",
            },
            {
                "kind": "student_card",
                "file_name": "студенттік-билет.jpg",
                "media_type": "image/jpeg",
                "size": 80211,
                "sha256": "b" * 64,
                "ref": "egov://files/2",
            },
        ],
        "reason": "Әл-Фараби атындағы ҚазҰУ-да күндізгі бөлімде оқимын, 2-курс",
    }
)
REGISTERED_AT = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)  # 09:00 in Almaty, next working day


def _norm(text: str) -> str:
    return " ".join(text.split())


def _page_text(pdf: bytes, page: int, tmp_path: Path) -> str:
    src = tmp_path / f"doc-{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(src), "-"],
        capture_output=True,
        check=True,
    )
    return _norm(out.stdout.decode("utf-8"))


def _assert_in(needles: list[str], text: str) -> None:
    for needle in needles:
        assert _norm(needle) in text, f"missing: {needle!r}\nin: {text}"


# --- rendering ------------------------------------------------------------------------


def test_deferral_conclusion_reads_back_in_both_languages(tmp_path: Path) -> None:
    pdf = render.render_result(DEFERRAL, DISTRICT)
    assert len(PdfReader(_write(tmp_path, pdf)).pages) == 2
    kk, ru = _page_text(pdf, 1, tmp_path), _page_text(pdf, 2, tmp_path)
    _assert_in(
        [
            "Әскери қызметке шақыруды кейінге қалдыру туралы қорытынды",
            "«Әскери қызмет және әскери қызметшілердің мәртебесі туралы» Қазақстан "
            "Республикасы Заңының 35-бабына сәйкес Сізге 2027 жылғы «30» маусымға дейін "
            "«Оқу кезеңінде білім алып жатқан азаматтар» (кейінге қалдырудың себебі) "
            "әскерге шақыруды кейінге қалдыру ұсынылды.",
            f"{NAME} (тегі, аты, әкесінің аты (ол бар болған кезде)) {ADDRESS} "
            "(көрсетілетін қызметті алушының мекенжайы)",
            "Тіркеу нөмірі: KZ-BOS-2025-000123",
            "Берілген күні: 12.03.2025",
            DISTRICT.commission_kk,
            "Әскерге шақыру комиссиясының төрағасы Серікбаев Нұрлан Әбілқасымұлы "
            "(тегі, аты, әкесінің аты (ол бар болған кезде)) (ЭЦҚ-мен куәландырылған) "
            "2025 жылғы «12» наурыз",
            "«Әскерге шақыруды кейінге қалдыру» мемлекеттік қызметін көрсету қағидаларына "
            "3-қосымша",
        ],
        kk,
    )
    _assert_in(
        [
            "Заключение об отсрочке от призыва на воинскую службу",
            "В соответствии со статьей 35 Закона Республики Казахстан «О воинской службе и "
            "статусе военнослужащих» Вам предоставлена отсрочка от призыва на воинскую "
            "службу до «30» июня 2027 года «Граждане, получающие образование, - на период "
            "обучения» (причина отсрочки).",
            f"{NAME} (фамилия, имя, отчество (при его наличии)) {ADDRESS} (адрес услугополучателя)",
            "Регистрационный номер: KZ-BOS-2025-000123",
            "Дата выдачи: 12.03.2025",
            DISTRICT.commission_ru,
            "Председатель призывной комиссии Серікбаев Нұрлан Әбілқасымұлы "
            "(фамилия, имя, отчество (при его наличии)) (удостоверено ЭЦП) «12» марта 2025 года",
        ],
        ru,
    )
    assert "Заключение" not in kk and "қорытынды" not in ru
    # The applicant's own words are his application's (Annex 1), not the commission's.
    assert _norm(DEFERRAL.reason) not in kk and _norm(DEFERRAL.reason) not in ru
    assert "ҮЛГІ" not in kk + ru and "SAMPLE" not in kk + ru


def test_exemption_conclusion_cites_article_36_and_no_end_date(tmp_path: Path) -> None:
    pdf = render.render_result(EXEMPTION, DISTRICT)
    kk, ru = _page_text(pdf, 1, tmp_path), _page_text(pdf, 2, tmp_path)
    _assert_in(
        [
            "Әскери қызметке шақырудан босату туралы қорытынды",
            "«Әскери қызмет және әскери қызметшілердің мәртебесі туралы» Қазақстан "
            "Республикасы Заңының 36-бабына сәйкес Сізге «Ғылыми дәрежесі барлар» "
            "(босатудың себебі) әскери қызметке шақырудан босату ұсынылды.",
            "Тіркеу нөмірі: KZ-BOS-2025-000124",
        ],
        kk,
    )
    _assert_in(
        [
            "Заключение об освобождении от призыва на воинскую службу",
            "В соответствии со статьей 36 Закона Республики Казахстан «О воинской службе и "
            "статусе военнослужащих» Вам предоставлено освобождение от призыва на воинскую "
            "службу «Имеющие ученую степень» (причина освобождения).",
        ],
        ru,
    )
    assert "дейін" not in kk and " до «" not in ru
    assert "философия докторы" not in kk + ru


def test_refusal_notice_lists_the_reasons(tmp_path: Path) -> None:
    pdf = render.render_result(REFUSAL, DISTRICT)
    kk, ru = _page_text(pdf, 1, tmp_path), _page_text(pdf, 2, tmp_path)
    _assert_in(
        [
            "Мемлекеттік қызметті көрсетуден бас тарту туралы хабарлама",
            "Осы қағидаларға 2-қосымшаның 9-тармағына сәйкес Сізге мемлекеттік көрсетілетін "
            "қызметті алу үшін ұсынған құжаттарыңыздың және (немесе) ондағы деректердің "
            "(мәліметтердің) дұрыс болмауына байланысты әскерге шақыруды кейінге "
            "қалдырудан бас тартылды, атап айтқанда:",
            "1) оқу орнының анықтамасы 2023 жылы берілген, оқу мерзімі өтіп кеткен;",
            "2) анықтамадағы ЖСН өтініш берушінің ЖСН-іне сәйкес келмейді.",
            f"{NAME} (тегі, аты, әкесінің аты (ол бар болған кезде)) {ADDRESS}",
            "Тіркеу нөмірі: KZ-BOS-2025-000125",
            "4-қосымша",
            "Әскерге шақыру комиссиясының төрағасы Серікбаев Нұрлан Әбілқасымұлы "
            "(тегі, аты, әкесінің аты (ол бар болған кезде)) (ЭЦҚ-мен куәландырылған)",
        ],
        kk,
    )
    _assert_in(
        [
            "Уведомление об отказе в оказании государственной услуги",
            "В соответствии с пунктом 9 приложения 2 к настоящим Правилам Вам отказано в "
            "отсрочке от призыва на воинскую службу в связи с недостоверностью "
            "представленных Вами для получения государственной услуги документов и (или) "
            "данных (сведений), содержащихся в них, а именно:",
            "1) оқу орнының анықтамасы 2023 жылы берілген, оқу мерзімі өтіп кеткен;",
            "2) анықтамадағы ЖСН өтініш берушінің ЖСН-іне сәйкес келмейді.",
            "Регистрационный номер: KZ-BOS-2025-000125",
        ],
        ru,
    )


def test_refusal_on_ground_two_gives_row_9_item_2(tmp_path: Path) -> None:
    refusal = REFUSAL.model_copy(
        update={
            "service": Service.exemption,
            "refusal_ground": 2,
            "refusal_reasons": ["жасы 27-ден кіші"],
        }
    )
    pdf = render.render_result(refusal, DISTRICT)
    kk, ru = _page_text(pdf, 1, tmp_path), _page_text(pdf, 2, tmp_path)
    _assert_in(
        [
            "Осы қағидаларға 2-қосымшаның 9-тармағына сәйкес Сізге Сіздің және (немесе) "
            "мемлекеттік қызмет көрсету үшін қажетті ұсынылған материалдардың, объектілердің, "
            "деректер мен мәліметтердің «Әскери қызмет және әскери қызметшілердің мәртебесі "
            "туралы» Қазақстан Республикасы Заңының 36-бабында және осы қағидаларда "
            "белгіленген талаптарға сәйкес келмеуіне байланысты әскери қызметке шақырудан "
            "босатудан бас тартылды, атап айтқанда:",
            "1) жасы 27-ден кіші.",
        ],
        kk,
    )
    _assert_in(
        [
            "Вам отказано в освобождении от призыва на воинскую службу в связи с "
            "несоответствием Вас и (или) представленных материалов, объектов, данных и "
            "сведений, необходимых для оказания государственной услуги, требованиям, "
            "установленным статьей 36 Закона Республики Казахстан «О воинской службе и "
            "статусе военнослужащих» и настоящими Правилами, а именно:"
        ],
        ru,
    )
    assert "дұрыс болмауына" not in kk and "недостоверностью" not in ru


@pytest.mark.parametrize("ground", [None, 3])
def test_refusal_notice_states_its_ground_or_is_not_made(ground: int | None) -> None:
    refusal = REFUSAL.model_copy(update={"refusal_ground": ground})
    with pytest.raises(ValueError, match="ground"):
        render.render_result(refusal, DISTRICT)


def test_application_reads_back(tmp_path: Path) -> None:
    pdf = render.render_application(APPLICATION, "KZ-BOS-2025-000123", DISTRICT, REGISTERED_AT)
    kk, ru = _page_text(pdf, 1, tmp_path), _page_text(pdf, 2, tmp_path)
    _assert_in(
        [
            "Әскерге шақыру комиссиясының төрағасына Серікбаев Нұрлан Әбілқасымұлы",
            f"{ADDRESS} мекенжайы бойынша тұратын {NAME} "
            "(тегі, аты, әкесінің аты (ол бар болған кезде)) телефон +77011234567",
            "Өтініш",
            "«Әскери қызмет және әскери қызметшілердің мәртебесі туралы» Қазақстан "
            "Республикасы Заңының 35-бабына сәйкес «Оқу кезеңінде білім алып жатқан "
            f"азаматтар»: {APPLICATION.reason} (көрсетілетін мемлекеттік қызмет стандартына "
            "сәйкес кейінге қалдырудың себебі көрсетілсін) әскерге шақыруды кейінге "
            "қалдыруды сұраймын.",
            "1) анықтама-ҚазҰУ.pdf (study_certificate) 2) студенттік-билет.jpg (student_card) "
            "құжаттарын қосамын.",
            "Күні 2025 жылғы «07» наурыз",
            "Қолы: бір реттік парольмен қол қойылды",
            "Тіркеу нөмірі: KZ-BOS-2025-000123",
            "Тіркелген күні: 10.03.2025",
            "«Әскерге шақыруды кейінге қалдыру» мемлекеттік қызметін көрсету қағидаларына "
            "1-қосымша",
        ],
        kk,
    )
    _assert_in(
        [
            "Председателю призывной комиссии Серікбаев Нұрлан Әбілқасымұлы",
            f"от {NAME}, (фамилия, имя, отчество (при его наличии)) проживающего по адресу: "
            f"{ADDRESS} телефон +77011234567",
            "Заявление",
            "В соответствии со статьей 35 Закона Республики Казахстан «О воинской службе и "
            "статусе военнослужащих» «Граждане, получающие образование, - на период "
            f"обучения»: {APPLICATION.reason} (причина отсрочки указывается в соответствии со "
            "стандартом государственной услуги) прошу предоставить мне отсрочку от призыва "
            "на воинскую службу.",
            "Прилагаю документы: 1) анықтама-ҚазҰУ.pdf (study_certificate)",
            "Дата «07» марта 2025 года",
            "Подпись: подписано одноразовым паролем",
            "Регистрационный номер: KZ-BOS-2025-000123",
        ],
        ru,
    )


def test_exemption_application_without_documents(tmp_path: Path) -> None:
    app = APPLICATION.model_copy(
        update={
            "service": Service.exemption,
            "ground": 2,
            "documents": [],
            "signed_with": SignedWith.eds,
        }
    )
    pdf = render.render_application(app, "KZ-BOS-2025-000200", DISTRICT, REGISTERED_AT)
    kk, ru = _page_text(pdf, 1, tmp_path), _page_text(pdf, 2, tmp_path)
    _assert_in(
        [
            "Заңының 36-бабына сәйкес «Заңды негіздер, жиырма жеті жасқа толуы бойынша "
            "мерзімді әскери қызметке шақырылмағандар»:",
            "(көрсетілетін мемлекеттік қызмет стандартына сәйкес босатудың себебі "
            "көрсетілсін) әскери қызметке шақырудан босатуды сұраймын.",
            "Құжаттар қоса берілмейді.",
            "Қолы: ЭЦҚ-мен қол қойылды",
        ],
        kk,
    )
    _assert_in(
        ["прошу освободить меня от призыва на воинскую службу.", "Подпись: подписано ЭЦП"], ru
    )


def test_long_reason_flows_onto_further_pages(tmp_path: Path) -> None:
    reason = " ".join(["Отбасы жағдайын тексеру актісіне сәйкес әкем мүгедек."] * 70)
    long = APPLICATION.model_copy(update={"reason": reason})
    pdf = render.render_application(long, "R-1", DISTRICT, REGISTERED_AT, sample=True)
    reader = PdfReader(_write(tmp_path, pdf))
    assert len(reader.pages) >= 4
    all_text = _norm(
        subprocess.run(
            ["pdftotext", str(_write(tmp_path, pdf)), "-"], capture_output=True, check=True
        ).stdout.decode()
    )
    digest = hashlib.sha256(render.application_json(long, "R-1", DISTRICT, REGISTERED_AT))
    for lang, of_what in ((texts.Lang.kk, "өтініш JSON-ының"), (texts.Lang.ru, "JSON заявления")):
        # The footer and the sample banner repeat on every page, in between the lines of
        # the flowing text.
        footer = texts.qr_footer(lang, digest.hexdigest(), of_what)
        all_text = all_text.replace(_norm(footer) + " ", "")
    assert all_text.count(texts.SAMPLE_BANNER) == len(reader.pages)
    all_text = all_text.replace(texts.SAMPLE_BANNER + " ", "")
    assert _norm(f"азаматтар»: {reason} (көрсетілетін") in all_text
    assert _norm(f"обучения»: {reason} (причина отсрочки") in all_text


# --- development documents are marked ------------------------------------------------


def _red_pixels(pdf: bytes, page: int, tmp_path: Path) -> int:
    """Pixels of the mark's red on a raster of `page`: the form itself is black and grey."""
    src = _write(tmp_path, pdf)
    out = tmp_path / f"raster-{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(page), "-l", str(page),
                    "-singlefile", str(src), str(out)], check=True)  # fmt: skip
    raw = Image.open(f"{out}.png").convert("RGB").tobytes()
    rgb = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, g, b in rgb if r > g + 25 and r > b + 25)


@pytest.mark.parametrize(
    "make",
    [
        lambda sample: render.render_result(DEFERRAL, DISTRICT, sample=sample),
        lambda sample: render.render_result(REFUSAL, DISTRICT, sample=sample),
        lambda sample: render.render_application(
            APPLICATION, "R-1", DISTRICT, REGISTERED_AT, sample=sample
        ),
    ],
    ids=["conclusion", "refusal", "application"],
)
def test_sample_says_so_on_every_page_and_a_real_one_does_not(make, tmp_path: Path) -> None:
    sample, real = make(True), make(False)
    for page in (1, 2):
        text = _page_text(sample, page, tmp_path)
        assert texts.SAMPLE_BANNER in text
        assert "(ЭЦҚ-мен куәландырылған)" not in text and "(удостоверено ЭЦП)" not in text
        # The diagonal mark is drawn, not written: the form's text reads on undisturbed.
        rest = text.replace(texts.SAMPLE_BANNER, "")
        assert "SAMPLE" not in rest and "not a legal document" not in rest
        assert _red_pixels(sample, page, tmp_path) > 2000
        plain = _page_text(real, page, tmp_path)
        assert "ҮЛГІ" not in plain and "ОБРАЗЕЦ" not in plain and "SAMPLE" not in plain
        assert _red_pixels(real, page, tmp_path) == 0
    kk, ru = _page_text(sample, 1, tmp_path), _page_text(sample, 2, tmp_path)
    if "Өтініш" not in kk:  # the application bears the applicant's signature, not ours
        assert "(ҮЛГІ: әзірлеу кілтімен қол қойылған, заңды құжат емес)" in kk
        assert "(ОБРАЗЕЦ: подписано ключом разработки, не является юридическим документом)" in ru
        assert "(ЭЦҚ-мен куәландырылған)" in _page_text(real, 1, tmp_path)
        assert "(удостоверено ЭЦП)" in _page_text(real, 2, tmp_path)


def test_continuation_pages_carry_the_mark_too(tmp_path: Path) -> None:
    long = APPLICATION.model_copy(update={"reason": "Әкем мүгедек. " * 400})
    pdf = render.render_application(long, "R-1", DISTRICT, REGISTERED_AT, sample=True)
    pages = len(PdfReader(_write(tmp_path, pdf)).pages)
    assert pages >= 4
    for page in range(1, pages + 1):
        assert texts.SAMPLE_BANNER in _page_text(pdf, page, tmp_path)
        assert _red_pixels(pdf, page, tmp_path) > 2000


def _configured_identity(folder: Path) -> tuple[Path, Path]:
    """A provider key whose certificate is not the development one, as a deployment's."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Esil district akimat")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def test_issuer_marks_what_the_development_key_signs(tmp_path: Path) -> None:
    from activities.issuing import render_issued, signs_samples
    from tests.conftest import make_context

    dev = make_context(tmp_path / "dev")
    assert signs_samples(dev)
    pdf, data = render_issued(dev, DEFERRAL, DISTRICT)
    assert data == render.result_json(DEFERRAL)
    assert texts.SAMPLE_BANNER in _page_text(pdf, 1, tmp_path)

    configured = make_context(tmp_path / "prod")
    configured.signing_key, configured.signing_cert = _configured_identity(tmp_path / "keys")
    assert not signs_samples(configured)
    pdf, _ = render_issued(configured, DEFERRAL, DISTRICT)
    kk = _page_text(pdf, 1, tmp_path)
    assert "ҮЛГІ" not in kk and "(ЭЦҚ-мен куәландырылған)" in kk
    assert pdf == render.render_result(DEFERRAL, DISTRICT)


def test_a_refusal_without_its_ground_is_not_issued() -> None:
    from temporalio.exceptions import ApplicationError

    from activities.issuing import build_result
    from models.case import Registration
    from models.decisions import ChairmanDecision

    reg = Registration(number="KZ-BOS-2025-000125", registered_at=REGISTERED_AT,
                       commission=DISTRICT)  # fmt: skip
    bare = ChairmanDecision(actor="chair", verdict="refuse", reasons=["анықтама ескірген"])
    with pytest.raises(ApplicationError) as caught:
        build_result(APPLICATION, reg, bare, ISSUED_AT)
    assert caught.value.non_retryable and caught.value.type == "result.no_refusal_ground"
    for ground in (1, 2):
        given = bare.model_copy(update={"refusal_ground": ground})
        assert build_result(APPLICATION, reg, given, ISSUED_AT).refusal_ground == ground


def test_letters_outside_the_cut_font_fall_back_to_the_full_font(tmp_path: Path) -> None:
    name = "Ώρα Ἀλέξανδρος Тестов"  # Greek with accents is outside the subset
    pdf = render.render_result(DEFERRAL.model_copy(update={"applicant_name": name}), DISTRICT)
    assert name in _page_text(pdf, 1, tmp_path)


def test_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHAQYRU_FONT_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(render.FontMissing, match="SHAQYRU_FONT_DIR"):
        render.render_result(DEFERRAL)


def test_font_dir_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in render.FONT_FILES.values():
        shutil.copy(Path(render.DEFAULT_FONT_DIR) / name, tmp_path / name)
    monkeypatch.setenv("SHAQYRU_FONT_DIR", str(tmp_path))
    assert render.render_result(DEFERRAL, DISTRICT) == render_in_default_dir()


def render_in_default_dir() -> bytes:
    old = os.environ.pop("SHAQYRU_FONT_DIR", None)
    try:
        return render.render_result(DEFERRAL, DISTRICT)
    finally:
        if old is not None:
            os.environ["SHAQYRU_FONT_DIR"] = old


def test_rendering_is_deterministic_across_processes() -> None:
    first = render.render_result(REFUSAL, DISTRICT)
    assert render.render_result(REFUSAL, DISTRICT) == first
    script = textwrap.dedent(
        """
        import sys, tests.test_documents as t
        from documents import render
        sys.stdout.buffer.write(render.render_result(t.REFUSAL, t.DISTRICT))
        """
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "America/Lima"}
    other = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, env=env,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout  # fmt: skip
    assert other == first
    app = render.render_application(APPLICATION, "R-1", DISTRICT, REGISTERED_AT)
    assert render.render_application(APPLICATION, "R-1", DISTRICT, REGISTERED_AT) == app


def test_the_same_result_renders_to_the_same_bytes_whatever_was_rendered_before() -> None:
    # The faces are parsed once per process and shared by every document; a retried
    # activity must still write the same bytes, after other documents and beside them in
    # the worker's other threads.
    from concurrent.futures import ThreadPoolExecutor

    forms = {
        "refusal": lambda: render.render_result(REFUSAL, DISTRICT),
        "deferral": lambda: render.render_result(DEFERRAL, DISTRICT),
        "greek": lambda: render.render_result(
            DEFERRAL.model_copy(update={"applicant_name": "Ἀλέξανδρος"}), DISTRICT
        ),
        "application": lambda: render.render_application(
            APPLICATION, "R-1", DISTRICT, REGISTERED_AT
        ),
        "long": lambda: render.render_application(  # more pages: other object numbers
            APPLICATION.model_copy(update={"reason": "Әкем мүгедек. " * 300}),
            "R-1",
            DISTRICT,
            REGISTERED_AT,
        ),
    }
    alone = {name: make() for name, make in forms.items()}
    assert render.render_result(REFUSAL, DISTRICT) == alone["refusal"]
    order = list(forms) * 6
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda name: (name, forms[name]()), order))
    assert all(pdf == alone[name] for name, pdf in together)


def test_pdf_dates_come_from_the_data(tmp_path: Path) -> None:
    meta = PdfReader(_write(tmp_path, render.render_result(DEFERRAL, DISTRICT))).metadata
    assert meta is not None and meta.creation_date is not None
    assert meta.creation_date.astimezone(UTC) == ISSUED_AT
    assert meta.subject == DEFERRAL.registration_number


# --- the QR code and the canonical JSON -----------------------------------------------


def test_result_json_is_canonical() -> None:
    raw = render.result_json(DEFERRAL)
    assert raw.startswith(b'{"applicant_address":')
    assert b'": ' not in raw and b'", "' not in raw
    assert "Асқаров".encode() in raw  # UTF-8, not \\u escapes
    shifted = DEFERRAL.model_copy(
        update={"issued_at": ISSUED_AT.astimezone(timezone(timedelta(hours=5)))}
    )
    assert render.result_json(shifted) == raw


def test_qr_holds_registration_number_and_json_digest(tmp_path: Path) -> None:
    pdf = render.render_result(DEFERRAL, DISTRICT)
    digest = hashlib.sha256(render.result_json(DEFERRAL)).hexdigest()
    payload = render.qr_payload(DEFERRAL.registration_number, digest)
    assert render.parse_qr_payload(payload) == (DEFERRAL.registration_number, digest)
    assert digest in _page_text(pdf, 1, tmp_path)
    # Read the drawn code back from a raster of page 1 and compare module by module.
    assert _qr_modules_from_page(pdf, payload, tmp_path) == [
        [bool(m) for m in row] for row in segno.make(payload, error="m", micro=False).matrix
    ]


def _qr_modules_from_page(pdf: bytes, payload: str, tmp_path: Path) -> list[list[bool]]:
    src = _write(tmp_path, pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", "-singlefile", str(src),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    img = Image.open(tmp_path / "page.png").convert("L")
    mm = 300 / 25.4
    # The code sits in the upper-right corner, below the annex note and right of the header;
    # the grey rule under it is lighter than the threshold.
    box = (int(160 * mm), int(21 * mm), int(195 * mm), int(60 * mm))
    area = img.crop(box)
    dark = [
        (x, y) for y in range(area.height) for x in range(area.width) if area.getpixel((x, y)) < 64
    ]
    x0, x1 = min(x for x, _ in dark), max(x for x, _ in dark)
    y0, y1 = min(y for _, y in dark), max(y for _, y in dark)
    assert abs((y1 - y0) - (x1 - x0)) <= 2, "the dark area is not a square code"
    n = len(segno.make(payload, error="m", micro=False).matrix)
    step = (x1 - x0 + 1) / n
    return [
        [area.getpixel((int(x0 + (c + 0.5) * step), int(y0 + (r + 0.5) * step))) < 128
         for c in range(n)]
        for r in range(n)
    ]  # fmt: skip


# --- signing --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return sign.ensure_dev_identity(tmp_path_factory.mktemp("data"))


def test_dev_identity_is_made_once_and_marked(tmp_path: Path) -> None:
    key_path, cert_path = sign.ensure_dev_identity(tmp_path)
    before = cert_path.read_bytes(), key_path.read_bytes()
    assert sign.ensure_dev_identity(tmp_path) == (key_path, cert_path)
    assert (cert_path.read_bytes(), key_path.read_bytes()) == before
    assert key_path.stat().st_mode & 0o077 == 0
    _, cert = sign.load_identity(key_path, cert_path)
    subject = cert.subject.rfc4514_string()
    assert "CN=Shaqyru DEVELOPMENT signing key - not valid for legal use" in subject
    assert "NOT A LEGAL SIGNATURE" in subject
    assert sign.is_development(cert)


def test_configured_identity_wins(tmp_path: Path, identity: tuple[Path, Path]) -> None:
    import settings

    cfg = settings.Settings(
        data_dir=tmp_path, signing_key=str(identity[0]), signing_cert=str(identity[1])
    )
    assert sign.signing_identity(cfg) == identity
    half = settings.Settings(data_dir=tmp_path, signing_key=str(identity[0]), signing_cert=None)
    with pytest.raises(ValueError, match="both"):
        sign.signing_identity(half)


@pytest.mark.parametrize(
    "make",
    [
        lambda: render.render_result(DEFERRAL, DISTRICT),
        lambda: render.render_result(EXEMPTION, DISTRICT),
        lambda: render.render_result(REFUSAL, DISTRICT),
        lambda: render.render_application(APPLICATION, "R-1", DISTRICT, REGISTERED_AT),
    ],
    ids=["deferral", "exemption", "refusal", "application"],
)
def test_openssl_accepts_the_signature_and_rejects_a_changed_byte(
    make, identity: tuple[Path, Path], tmp_path: Path
) -> None:
    key, cert = sign.load_identity(*identity)
    pdf = make()
    before = datetime.now(UTC).replace(microsecond=0)
    signature = sign.sign_pdf(pdf, key, cert)
    (tmp_path / "doc.pdf").write_bytes(pdf)
    (tmp_path / "doc.p7s").write_bytes(signature)
    plain = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "doc.p7s"),
         "-content", str(tmp_path / "doc.pdf"), "-CAfile", str(identity[1]), "-purpose", "any",
         "-out", os.devnull],
        capture_output=True,
    )  # fmt: skip
    assert plain.returncode == 0, plain.stderr

    found = sign.verify(pdf, signature, identity[1])
    assert sign.DEV_COMMON_NAME in found.signer and found.trusted
    assert found.signed_at is not None
    assert before - timedelta(seconds=2) <= found.signed_at <= datetime.now(UTC)

    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    with pytest.raises(sign.SignatureError):
        sign.verify(bytes(changed), signature, identity[1])


def test_signature_from_another_key_is_not_trusted(tmp_path: Path, identity) -> None:
    _, other_cert = sign.ensure_dev_identity(tmp_path / "other")
    pdf = render.render_result(DEFERRAL, DISTRICT)
    signature = sign.sign_pdf(pdf, *sign.load_identity(*identity))
    with pytest.raises(sign.SignatureError):
        sign.verify(pdf, signature, other_cert)
    assert not sign.verify(pdf, signature, None).trusted
    with pytest.raises(sign.MalformedSignature):
        sign.verify(pdf, b"not a signature", identity[1])


# --- the store ------------------------------------------------------------------------


def test_store_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "docs")
    data = render.render_result(DEFERRAL, DISTRICT)
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.path(sha) == tmp_path / "docs" / sha[:2] / sha
    mtime = store.path(sha).stat().st_mtime_ns
    assert store.put(data) == sha
    assert store.path(sha).stat().st_mtime_ns == mtime
    assert store.get(sha) == data and store.has(sha)
    assert [p.name for p in (tmp_path / "docs" / sha[:2]).iterdir()] == [sha]


def test_store_refuses_bad_names_and_notices_damage(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")
    sha = store.put(b"abc")
    store.path(sha).write_bytes(b"abd")
    with pytest.raises(Corrupted):
        store.get(sha)
    assert store.put(b"abc") == sha and store.get(sha) == b"abc"  # storing again mends it


# --- the command ----------------------------------------------------------------------


def _cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        pass

    documents_cmd.register(app)
    return app


def test_verify_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHAQYRU_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("SHAQYRU_SIGNING_CERT", raising=False)
    key_path, cert_path = sign.ensure_dev_identity(tmp_path / "data")
    pdf = render.render_result(REFUSAL, DISTRICT)
    doc = tmp_path / "refusal.pdf"
    doc.write_bytes(pdf)
    Path(str(doc) + ".p7s").write_bytes(
        sign.sign_pdf(pdf, *sign.load_identity(key_path, cert_path))
    )
    runner = CliRunner()

    ok = runner.invoke(_cli(), ["verify", str(doc)])
    assert ok.exit_code == 0, ok.output
    assert "VALID" in ok.output and sign.DEV_COMMON_NAME in ok.output
    assert "Asia/Almaty" in ok.output

    explicit = runner.invoke(
        _cli(), ["verify", str(doc), str(doc) + ".p7s", "--cert", str(cert_path)]
    )
    assert explicit.exit_code == 0, explicit.output

    doc.write_bytes(pdf[:-1] + bytes([pdf[-1] ^ 1]))
    bad = runner.invoke(_cli(), ["verify", str(doc)])
    assert bad.exit_code == 1 and "INVALID" in bad.output

    missing = runner.invoke(_cli(), ["verify", str(tmp_path / "nope.pdf")])
    assert missing.exit_code == 2
    not_a_cert = runner.invoke(_cli(), ["verify", str(doc), "--cert", str(doc)])
    assert not_a_cert.exit_code == 2
    Path(str(doc) + ".p7s").write_bytes(b"garbage")
    assert runner.invoke(_cli(), ["verify", str(doc)]).exit_code == 2


def _write(tmp_path: Path, pdf: bytes) -> Path:
    path = tmp_path / f"{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    path.write_bytes(pdf)
    return path
