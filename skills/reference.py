"""Frameworks written as data: DigComp 2.2, EQF, ISCED-F 2013 broad fields, EU driving-licence categories,
transversal skills, documents of a qualification. Codes are the frameworks' own, so exports carry them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

EQF_URI = "http://data.europa.eu/esco/eqf/{level}"


class EQFLevel(models.IntegerChoices):
    """European Qualifications Framework level (URIs http://data.europa.eu/esco/eqf/1..8)."""

    L1 = 1, _("EQF 1 - basic general knowledge (primary school)")
    L2 = 2, _("EQF 2 - lower secondary school")
    L3 = 3, _("EQF 3 - vocational qualification (3 years)")
    L4 = 4, _("EQF 4 - upper secondary school diploma")
    L5 = 5, _("EQF 5 - short-cycle higher education (ITS)")
    L6 = 6, _("EQF 6 - bachelor's degree")
    L7 = 7, _("EQF 7 - master's degree")
    L8 = 8, _("EQF 8 - doctorate")


class FieldOfStudy(models.TextChoices):
    """ISCED-F 2013 broad fields (the codes ESCO and Europass use)."""

    GENERIC = "00", _("Generic programmes and qualifications")
    EDUCATION = "01", _("Education")
    ARTS = "02", _("Arts and humanities")
    SOCIAL = "03", _("Social sciences, journalism and information")
    BUSINESS = "04", _("Business, administration and law")
    SCIENCES = "05", _("Natural sciences, mathematics and statistics")
    ICT = "06", _("Information and communication technologies")
    ENGINEERING = "07", _("Engineering, manufacturing and construction")
    AGRICULTURE = "08", _("Agriculture, forestry, fisheries and veterinary")
    HEALTH = "09", _("Health and welfare")
    SERVICES = "10", _("Services")


class RecognitionStatus(models.TextChoices):
    """Recognition in Italy of a qualification obtained abroad; "applied" counts for indicator R.2.10."""

    NONE = "none", _("Not requested")
    APPLIED = "applied", _("Recognition applied for")
    RECOGNISED = "recognised", _("Recognised")
    REFUSED = "refused", _("Refused")


class QualificationDocument(models.TextChoices):
    DIPLOMA = "diploma", _("Diploma or certificate (original)")
    TRANSCRIPT = "transcript", _("Transcript of records")
    TRANSLATION = "translation", _("Sworn translation")
    DECLARATION_OF_VALUE = "dov", _("Declaration of value (dichiarazione di valore)")
    CIMEA = "cimea", _("CIMEA statement of comparability")
    NONE = "none", _("No document available")


# DigComp 2.2: 5 areas, 21 competences, 8 proficiency levels.
class DigCompArea(models.TextChoices):
    INFORMATION = "1", _("Information and data literacy")
    COMMUNICATION = "2", _("Communication and collaboration")
    CONTENT = "3", _("Digital content creation")
    SAFETY = "4", _("Safety")
    PROBLEM_SOLVING = "5", _("Problem solving")


DIGCOMP_COMPETENCES: dict[str, tuple[str, object]] = {
    "1.1": ("1", _("Browsing, searching and filtering data, information and digital content")),
    "1.2": ("1", _("Evaluating data, information and digital content")),
    "1.3": ("1", _("Managing data, information and digital content")),
    "2.1": ("2", _("Interacting through digital technologies")),
    "2.2": ("2", _("Sharing through digital technologies")),
    "2.3": ("2", _("Engaging in citizenship through digital technologies")),
    "2.4": ("2", _("Collaborating through digital technologies")),
    "2.5": ("2", _("Netiquette")),
    "2.6": ("2", _("Managing digital identity")),
    "3.1": ("3", _("Developing digital content")),
    "3.2": ("3", _("Integrating and re-elaborating digital content")),
    "3.3": ("3", _("Copyright and licences")),
    "3.4": ("3", _("Programming")),
    "4.1": ("4", _("Protecting devices")),
    "4.2": ("4", _("Protecting personal data and privacy")),
    "4.3": ("4", _("Protecting health and well-being")),
    "4.4": ("4", _("Protecting the environment")),
    "5.1": ("5", _("Solving technical problems")),
    "5.2": ("5", _("Identifying needs and technological responses")),
    "5.3": ("5", _("Creatively using digital technologies")),
    "5.4": ("5", _("Identifying digital competence gaps")),
}


class DigCompLevel(models.IntegerChoices):
    """DigComp 2.2 proficiency levels, in its four bands."""

    L1 = 1, _("1 - Foundation")
    L2 = 2, _("2 - Foundation")
    L3 = 3, _("3 - Intermediate")
    L4 = 4, _("4 - Intermediate")
    L5 = 5, _("5 - Advanced")
    L6 = 6, _("6 - Advanced")
    L7 = 7, _("7 - Highly specialised")
    L8 = 8, _("8 - Highly specialised")


class LicenceCategory(models.TextChoices):
    """EU driving-licence categories (Directive 2006/126/EC)."""

    AM = "AM", _("AM - mopeds")
    A1 = "A1", _("A1 - light motorcycles")
    A2 = "A2", _("A2 - medium motorcycles")
    A = "A", _("A - motorcycles")
    B1 = "B1", _("B1 - quadricycles")
    B = "B", _("B - cars")
    BE = "BE", _("BE - cars with trailer")
    C1 = "C1", _("C1 - light trucks")
    C1E = "C1E", _("C1E - light trucks with trailer")
    C = "C", _("C - trucks")
    CE = "CE", _("CE - trucks with trailer")
    D1 = "D1", _("D1 - minibuses")
    D1E = "D1E", _("D1E - minibuses with trailer")
    D = "D", _("D - buses")
    DE = "DE", _("DE - buses with trailer")


class LicenceStatus(models.TextChoices):
    """Whether the licence can be used in Italy: EU licences are valid; others are converted where Italy has
    an agreement with the issuing country, or the test is taken again."""

    VALID_IN_ITALY = "valid", _("Valid in Italy (Italian or EU/EEA)")
    TO_CONVERT = "to_convert", _("Foreign, can be converted")
    CONVERSION_REQUESTED = "converting", _("Conversion requested")
    NOT_CONVERTIBLE = "not_convertible", _("Foreign, not convertible (test needed)")
    UNKNOWN = "unknown", _("To be checked")


class TransversalSkill(models.TextChoices):
    """Soft and transversal skills, after the ESCO transversal skills and competences."""

    COMMUNICATION = "communication", _("Communicating with others")
    TEAMWORK = "teamwork", _("Working in a team")
    PROBLEM_SOLVING = "problem_solving", _("Solving problems")
    ORGANISATION = "organisation", _("Organising own work and time")
    RELIABILITY = "reliability", _("Reliability and punctuality")
    ADAPTABILITY = "adaptability", _("Adapting to change")
    LEARNING = "learning", _("Willingness to learn")
    CUSTOMER_CARE = "customer_care", _("Dealing with customers")
    INTERCULTURAL = "intercultural", _("Working in multicultural settings")
    LEADERSHIP = "leadership", _("Leading and coordinating others")
    CARE = "care", _("Caring for people (children, elderly)")
    MANUAL = "manual", _("Manual dexterity")
    NUMERACY = "numeracy", _("Working with numbers")
    STRESS = "stress", _("Coping with pressure")


class ConstraintKind(models.TextChoices):
    """What limits the person's availability for work or training (sensitive: operators of the case only)."""

    CHILDCARE = "childcare", _("Childcare or care of family members")
    TRANSPORT = "transport", _("Transport")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    SCHEDULE = "schedule", _("Working hours or shifts")
    DOCUMENTS = "documents", _("Documents or residence permit")
    OTHER = "other", _("Other")
