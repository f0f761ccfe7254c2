"""Who the cases belong to: organisations, their service units and staff scope."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from complaints.choices import Language


class TranslatedName(models.Model):
    """Names in fi/sv/en; ``name`` picks the active language, falling back to Finnish."""

    name_fi = models.CharField(_("name (Finnish)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        return str(getattr(self, f"name_{language}", "") or self.name_fi)

    @property
    def name(self) -> str:
        return self.name_in((get_language() or "fi")[:2])


class Organisation(TranslatedName):
    """A wellbeing services county, city or private provider handling its own muistutus."""

    slug = models.SlugField(_("slug"), unique=True)
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]+$", _("Use capital letters A–Z and digits."))],
        help_text=_("Starts every case reference, e.g. KEMI in KEMI-2026-000123."),
    )
    languages = models.CharField(
        _("languages"),
        max_length=20,
        default="fi,sv,en",
        validators=[
            RegexValidator(r"^(fi|sv|en)(,(fi|sv|en))*$", _("Comma-separated: fi, sv, en."))
        ],
        help_text=_("Languages in which cases are handled, e.g. fi,sv for a bilingual county."),
    )
    authority_name_fi = models.CharField(
        _("supervisory authority (Finnish)"), max_length=200, default="Lupa- ja valvontavirasto"
    )
    authority_name_sv = models.CharField(
        _("supervisory authority (Swedish)"),
        max_length=200,
        default="Tillstånds- och tillsynsverket",
    )
    authority_name_en = models.CharField(
        _("supervisory authority (English)"), max_length=200, default="Finnish Supervisory Agency"
    )
    authority_address = models.TextField(_("supervisory authority's address"), blank=True)
    authority_url = models.URLField(_("supervisory authority's web site"), blank=True)
    leading_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leading social-welfare official"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    retention_years = models.PositiveSmallIntegerField(_("retention (years)"), default=10)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_fi"]

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code in Language.values]

    def authority_name_in(self, language: str) -> str:
        return str(getattr(self, f"authority_name_{language}", "") or self.authority_name_fi)


class ClosureDay(models.Model):
    """A day the organisation is closed beyond the public holidays; deadlines roll past it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="closure_days", db_index=False
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="closure_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.description}".strip()


class ServiceUnit(TranslatedName):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    responsible_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible official"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service unit")
        verbose_name_plural = _("service units")
        ordering = ["organisation_id", "name_fi"]


class StaffMembership(models.Model):
    """Where a staff member works: the scope of their roles (roles are auth groups)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    all_units = models.BooleanField(
        _("all units"),
        default=False,
        help_text=_("Covers every unit of the organisation, and cases with no unit."),
    )
    units = models.ManyToManyField(ServiceUnit, verbose_name=_("units"), blank=True)
    # Which of the user's roles apply here; empty: all of them. Someone who handles cases in
    # one organisation and only registers post in another has ["registry"] in the second.
    roles = models.JSONField(_("roles here"), default=list, blank=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class ReferenceCounter(models.Model):
    """The last reference number issued per organisation and year (diary numbers).

    Incremented by one atomic upsert (``complaints.references``), never by ``max()+1``.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="reference_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_number}"
