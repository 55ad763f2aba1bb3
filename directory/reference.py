"""Reference data of the directory: the content languages and the needs a migrant searches by.

Loaded by `manage.py load_reference` (idempotent). The needs form the "InterAzioni – bisogni" HSDS taxonomy
with stable UUIDs (uuid5 of their codes), so exports and the HSDS API name them the same everywhere.
"""

from __future__ import annotations

import uuid

from django.apps import apps as global_apps
from django.db import transaction

NAMESPACE = uuid.UUID("6f1f8a52-3c1e-4c59-9a36-0f4f7b1d2c10")
NEEDS_TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:needs")

# code, local name, Italian name, English name, right-to-left
LANGUAGES = [
    ("it", "Italiano", "Italiano", "Italian", False),
    ("en", "English", "Inglese", "English", False),
    ("fr", "Français", "Francese", "French", False),
    ("ar", "العربية", "Arabo", "Arabic", True),
    ("uk", "Українська", "Ucraino", "Ukrainian", False),
    ("zh-hans", "简体中文", "Cinese semplificato", "Chinese (Simplified)", False),
    ("bn", "বাংলা", "Bengalese", "Bengali", False),
    ("ur", "اردو", "Urdu", "Urdu", True),
]

# code, pictogram (Bootstrap Italia sprite), names in it, en, fr, ar, uk, zh-hans, bn, ur
NEEDS = [
    (
        "residence-permit",
        "it-card",
        {
            "it": "Permesso di soggiorno",
            "en": "Residence permit",
            "fr": "Permis de séjour",
            "ar": "تصريح الإقامة",
            "uk": "Посвідка на проживання",
            "zh-hans": "居留许可",
            "bn": "বসবাসের অনুমতিপত্র",
            "ur": "رہائشی اجازت نامہ",
        },
    ),
    (
        "health",
        "it-horn",
        {
            "it": "Salute",
            "en": "Health",
            "fr": "Santé",
            "ar": "الصحة",
            "uk": "Здоров'я",
            "zh-hans": "医疗健康",
            "bn": "স্বাস্থ্য",
            "ur": "صحت",
        },
    ),
    (
        "school",
        "it-pencil",
        {
            "it": "Scuola",
            "en": "School",
            "fr": "École",
            "ar": "المدرسة",
            "uk": "Школа",
            "zh-hans": "学校",
            "bn": "স্কুল",
            "ur": "اسکول",
        },
    ),
    (
        "work",
        "it-settings",
        {
            "it": "Lavoro",
            "en": "Work",
            "fr": "Travail",
            "ar": "العمل",
            "uk": "Робота",
            "zh-hans": "工作",
            "bn": "কাজ",
            "ur": "روزگار",
        },
    ),
    (
        "italian-courses",
        "it-comment",
        {
            "it": "Corsi di italiano",
            "en": "Italian courses",
            "fr": "Cours d'italien",
            "ar": "دورات اللغة الإيطالية",
            "uk": "Курси італійської мови",
            "zh-hans": "意大利语课程",
            "bn": "ইতালীয় ভাষার কোর্স",
            "ur": "اطالوی زبان کے کورس",
        },
    ),
    (
        "legal-help",
        "it-note",
        {
            "it": "Assistenza legale",
            "en": "Legal help",
            "fr": "Aide juridique",
            "ar": "المساعدة القانونية",
            "uk": "Юридична допомога",
            "zh-hans": "法律援助",
            "bn": "আইনি সহায়তা",
            "ur": "قانونی مدد",
        },
    ),
    (
        "housing",
        "it-pa",
        {
            "it": "Casa",
            "en": "Housing",
            "fr": "Logement",
            "ar": "السكن",
            "uk": "Житло",
            "zh-hans": "住房",
            "bn": "বাসস্থান",
            "ur": "رہائش",
        },
    ),
    (
        "family-reunification",
        "it-user",
        {
            "it": "Ricongiungimento familiare",
            "en": "Family reunification",
            "fr": "Regroupement familial",
            "ar": "لم شمل الأسرة",
            "uk": "Возз'єднання сім'ї",
            "zh-hans": "家庭团聚",
            "bn": "পারিবারিক পুনর্মিলন",
            "ur": "خاندانی ملاپ",
        },
    ),
    (
        "citizenship",
        "it-flag",
        {
            "it": "Cittadinanza",
            "en": "Citizenship",
            "fr": "Citoyenneté",
            "ar": "الجنسية",
            "uk": "Громадянство",
            "zh-hans": "入籍",
            "bn": "নাগরিকত্ব",
            "ur": "شہریت",
        },
    ),
    (
        "qualification-recognition",
        "it-check-circle",
        {
            "it": "Riconoscimento dei titoli",
            "en": "Recognition of qualifications",
            "fr": "Reconnaissance des diplômes",
            "ar": "معادلة الشهادات",
            "uk": "Визнання кваліфікацій",
            "zh-hans": "学历认证",
            "bn": "যোগ্যতার স্বীকৃতি",
            "ur": "تعلیمی اسناد کی تصدیق",
        },
    ),
    (
        "social-services",
        "it-help-circle",
        {
            "it": "Servizi sociali",
            "en": "Social services",
            "fr": "Services sociaux",
            "ar": "الخدمات الاجتماعية",
            "uk": "Соціальні послуги",
            "zh-hans": "社会服务",
            "bn": "সামাজিক সেবা",
            "ur": "سماجی خدمات",
        },
    ),
    (
        "mediation",
        "it-comment",
        {
            "it": "Mediazione linguistico-culturale",
            "en": "Language and cultural mediation",
            "fr": "Médiation linguistique et culturelle",
            "ar": "الوساطة اللغوية والثقافية",
            "uk": "Мовно-культурне посередництво",
            "zh-hans": "语言文化调解",
            "bn": "ভাষা ও সাংস্কৃতিক মধ্যস্থতা",
            "ur": "لسانی و ثقافتی ثالثی",
        },
    ),
    (
        "protection",
        "it-warning-circle",
        {
            "it": "Protezione e violenza",
            "en": "Protection from violence",
            "fr": "Protection contre les violences",
            "ar": "الحماية من العنف",
            "uk": "Захист від насильства",
            "zh-hans": "暴力防护",
            "bn": "সহিংসতা থেকে সুরক্ষা",
            "ur": "تشدد سے تحفظ",
        },
    ),
]

NEED_DESCRIPTIONS_IT = {
    "residence-permit": "Rilascio, rinnovo e conversione del permesso di soggiorno; appuntamenti in Questura.",
    "health": "Iscrizione al Servizio sanitario nazionale, tessera STP, medico di base, consultori.",
    "school": "Iscrizione a scuola, inserimento dei minori neoarrivati, CPIA e istruzione degli adulti.",
    "work": "Orientamento, Centri per l'impiego, tirocini, contratti e diritti dei lavoratori.",
    "italian-courses": "Corsi gratuiti di lingua italiana (CPIA, associazioni), test A2 per il permesso UE.",
    "legal-help": "Consulenza legale gratuita su permessi, asilo, lavoro e discriminazione.",
    "housing": "Accoglienza, ricerca di una casa, contributi per l'affitto, residenza anagrafica.",
    "family-reunification": "Nulla osta, requisiti di reddito e alloggio, visti per i familiari.",
    "citizenship": "Domanda di cittadinanza italiana per residenza o matrimonio.",
    "qualification-recognition": "Dichiarazione di valore, equipollenza e riconoscimento dei titoli esteri.",
    "social-services": "Segretariato sociale, sostegno al reddito, servizi per famiglie e minori.",
    "mediation": "Mediatori linguistico-culturali negli uffici pubblici, negli ospedali e nelle scuole.",
    "protection": "Centri antiviolenza, protezione delle vittime di tratta e sfruttamento.",
}


def need_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"need:{code}")


@transaction.atomic
def load_directory_reference(apps=global_apps) -> dict[str, int]:
    """Idempotent; also the data migration `directory.0002_reference` (hence the `apps` registry)."""
    ContentLanguage = apps.get_model("directory", "ContentLanguage")
    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    Translation = apps.get_model("directory", "Translation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for position, (code, local, name_it, name_en, bidi) in enumerate(LANGUAGES):
        ContentLanguage.objects.update_or_create(
            code=code,
            defaults={
                "name_local": local,
                "name_it": name_it,
                "name_en": name_en,
                "bidi": bidi,
                "position": position,
            },
        )
    taxonomy, _created = Taxonomy.objects.update_or_create(
        id=NEEDS_TAXONOMY_ID,
        defaults={
            "name": "InterAzioni – bisogni",
            "description": "I bisogni per cui i cittadini di paesi terzi cercano un servizio in Campania.",
            "uri": "https://interazioni.example.org/tassonomia/bisogni",
            "version": "1.0",
        },
    )
    content_type, _created = ContentType.objects.get_or_create(app_label="directory", model="taxonomyterm")
    for position, (code, icon, names) in enumerate(NEEDS):
        term, _created = TaxonomyTerm.objects.update_or_create(
            id=need_id(code),
            defaults={
                "code": code,
                "name": names["it"],
                "description": NEED_DESCRIPTIONS_IT[code],
                "taxonomy": taxonomy,
                "taxonomy_name": taxonomy.name,
                "language": "it",
                "is_need": True,
                "icon": icon,
                "position": position,
            },
        )
        for language, text in names.items():
            if language == "it":
                continue
            Translation.objects.update_or_create(
                content_type=content_type,
                object_id=term.pk,
                field="name",
                language=language,
                defaults={
                    "text": text,
                    "method": "human",
                    "source_revision": int((term.text_revisions or {}).get("name", 1)),
                    "translator_name": "InterAzioni",
                },
            )
    return {"languages": len(LANGUAGES), "needs": len(NEEDS)}
