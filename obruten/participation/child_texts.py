"""What the child's thank-you page says after a danger answer or an urgent note: that
someone will get in touch, and whom to call now. Kept here rather than in the templates'
JSON so that every version, old or new, says it with the municipality's own number.

The Arabic and Somali texts must be reviewed by a native speaker before use."""

from __future__ import annotations

from dataclasses import dataclass

from obruten import municipal

BRIS = "116 111"
TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "contact": "Vi har fått dina svar. "
        "Någon från socialtjänsten kommer att höra av sig till dig så snart som möjligt.",
        "heading": "Behöver du hjälp nu? Ring:",
        "112": "om du är i fara eller om det är bråttom",
        "bris": "BRIS, för barn och unga. Det är gratis och du behöver inte säga vem du är.",
        "jour": "socialjouren, när socialtjänsten har stängt",
        "jour_112": "be att få prata med socialjouren, när socialtjänsten har stängt",
    },
    "en": {
        "contact": "We have got your answers. "
        "Someone from social services will contact you as soon as possible.",
        "heading": "Do you need help now? Call:",
        "112": "if you are in danger or it is urgent",
        "bris": "BRIS, for children and young people. It is free and you do not have to say who you are.",
        "jour": "the social emergency service (socialjouren), when social services are closed",
        "jour_112": "ask for the social emergency service (socialjouren), when social services are closed",
    },
    "ar": {
        "contact": "لقد وصلتنا إجاباتك. سيتواصل معك شخص من الخدمات الاجتماعية في أقرب وقت ممكن.",
        "heading": "هل تحتاج إلى مساعدة الآن؟ اتصل بـ:",
        "112": "إذا كنت في خطر أو كان الأمر عاجلاً",
        "bris": "BRIS، للأطفال والشباب. الاتصال مجاني ولست مضطراً أن تقول من أنت.",
        "jour": "مناوبة الخدمات الاجتماعية (socialjouren)، عندما تكون الخدمات الاجتماعية مغلقة",
        "jour_112": "اطلب مناوبة الخدمات الاجتماعية (socialjouren)، عندما تكون الخدمات الاجتماعية مغلقة",
    },
    "so": {
        "contact": "Jawaabahaaga waan helnay. "
        "Qof ka mid ah adeegga bulshada ayaa kula soo xiriiri doona sida ugu dhakhsaha badan.",
        "heading": "Ma u baahan tahay caawimaad hadda? Wac:",
        "112": "haddii aad khatar ku jirto ama ay degdeg tahay",
        "bris": "BRIS, carruurta iyo dhallinyarada. Waa bilaash, uma baahnid inaad sheegto cidda aad tahay.",
        "jour": "socialjouren (adeegga bulshada ee degdegga ah), marka xafiisyada bulshadu xiran yihiin",
        "jour_112": "weydii socialjouren (adeegga bulshada ee degdegga ah), "
        "marka xafiisyada bulshadu xiran yihiin",
    },
}


@dataclass(frozen=True)
class Number:
    number: str
    text: str

    @property
    def tel(self) -> str:
        return "".join(c for c in self.number if c.isdigit() or c == "+")


@dataclass(frozen=True)
class HelpNow:
    contact: str
    heading: str
    numbers: list[Number]


def help_now(language: str) -> HelpNow:
    texts = TEXTS.get(language, TEXTS["sv"])
    jour = municipal.current().social_emergency_number
    return HelpNow(
        contact=texts["contact"],
        heading=texts["heading"],
        numbers=[
            Number("112", texts["112"]),
            Number(BRIS, texts["bris"]),
            Number(jour, texts["jour"]) if jour else Number("112", texts["jour_112"]),
        ],
    )
