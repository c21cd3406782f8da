"""What the rendered documents say: each form read back from its PDF, in Kazakh and
Russian, as the Order's annexes word it (issue 5)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents import render, texts
from models.application import Service, SignedWith
from tests.helpers import (
    ADDRESS,
    APPLICATION,
    DEFERRAL,
    DISTRICT,
    EXEMPTION,
    ISSUED_AT,
    NAME,
    REFUSAL,
    REGISTERED_AT,
    assert_in,
    norm,
    page_text,
    write_pdf,
)

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("openssl")),
    reason="needs poppler-utils and openssl",
)


def test_deferral_conclusion_reads_back_in_both_languages(tmp_path: Path) -> None:
    pdf = render.render_result(DEFERRAL, DISTRICT)
    assert len(PdfReader(write_pdf(tmp_path, pdf)).pages) == 2
    kk, ru = page_text(pdf, 1, tmp_path), page_text(pdf, 2, tmp_path)
    assert_in(
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
    assert_in(
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
    assert norm(DEFERRAL.reason) not in kk and norm(DEFERRAL.reason) not in ru
    assert "ҮЛГІ" not in kk + ru and "SAMPLE" not in kk + ru


def test_exemption_conclusion_cites_article_36_and_no_end_date(tmp_path: Path) -> None:
    pdf = render.render_result(EXEMPTION, DISTRICT)
    kk, ru = page_text(pdf, 1, tmp_path), page_text(pdf, 2, tmp_path)
    assert_in(
        [
            "Әскери қызметке шақырудан босату туралы қорытынды",
            "«Әскери қызмет және әскери қызметшілердің мәртебесі туралы» Қазақстан "
            "Республикасы Заңының 36-бабына сәйкес Сізге «Ғылыми дәрежесі барлар» "
            "(босатудың себебі) әскери қызметке шақырудан босату ұсынылды.",
            "Тіркеу нөмірі: KZ-BOS-2025-000124",
        ],
        kk,
    )
    assert_in(
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
    kk, ru = page_text(pdf, 1, tmp_path), page_text(pdf, 2, tmp_path)
    assert_in(
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
    assert_in(
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
    kk, ru = page_text(pdf, 1, tmp_path), page_text(pdf, 2, tmp_path)
    assert_in(
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
    assert_in(
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
    kk, ru = page_text(pdf, 1, tmp_path), page_text(pdf, 2, tmp_path)
    assert_in(
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
            "1) Білім беру ұйымынан оқып жатқанын растайтын анықтама (анықтама-ҚазҰУ.pdf) "
            "2) student_card (студенттік-билет.jpg) құжаттарын қосамын.",
            "Күні 2025 жылғы «07» наурыз",
            "Қолы: бір реттік парольмен қол қойылды",
            "Тіркеу нөмірі: KZ-BOS-2025-000123",
            "Тіркелген күні: 10.03.2025",
            "«Әскерге шақыруды кейінге қалдыру» мемлекеттік қызметін көрсету қағидаларына "
            "1-қосымша",
        ],
        kk,
    )
    assert_in(
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
            "Прилагаю документы: 1) Справка организации образования, подтверждающая "
            "обучение (анықтама-ҚазҰУ.pdf)",
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
    kk, ru = page_text(pdf, 1, tmp_path), page_text(pdf, 2, tmp_path)
    assert_in(
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
    assert_in(
        ["прошу освободить меня от призыва на воинскую службу.", "Подпись: подписано ЭЦП"], ru
    )


def test_long_reason_flows_onto_further_pages(tmp_path: Path) -> None:
    reason = " ".join(["Отбасы жағдайын тексеру актісіне сәйкес әкем мүгедек."] * 70)
    long = APPLICATION.model_copy(update={"reason": reason})
    pdf = render.render_application(long, "R-1", DISTRICT, REGISTERED_AT, sample=True)
    reader = PdfReader(write_pdf(tmp_path, pdf))
    assert len(reader.pages) >= 4
    all_text = norm(
        subprocess.run(
            ["pdftotext", str(write_pdf(tmp_path, pdf)), "-"], capture_output=True, check=True
        ).stdout.decode()
    )
    digest = hashlib.sha256(render.application_json(long, "R-1", DISTRICT, REGISTERED_AT))
    for lang, of_what in ((texts.Lang.kk, "өтініш JSON-ының"), (texts.Lang.ru, "JSON заявления")):
        # The footer and the sample banner repeat on every page, in between the lines of
        # the flowing text.
        footer = texts.qr_footer(lang, digest.hexdigest(), of_what)
        all_text = all_text.replace(norm(footer) + " ", "")
    assert all_text.count(texts.SAMPLE_BANNER) == len(reader.pages)
    all_text = all_text.replace(texts.SAMPLE_BANNER + " ", "")
    assert norm(f"азаматтар»: {reason} (көрсетілетін") in all_text
    assert norm(f"обучения»: {reason} (причина отсрочки") in all_text


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
    assert name in page_text(pdf, 1, tmp_path)
