"""Every number of the simulation model, in one frozen value.

The defaults are what :func:`rnr.simulate.simulate` uses; ``Cohort.parameters``
carries them as a read-only mapping (:meth:`Parameters.as_mapping`), and
``docs/simulation.md`` explains each and says where it comes from. They are
*plausible* figures for demos, tests and benchmarks, chosen so that the
cohort looks like the Chilean programmes the engine serves; none is an
estimate from real data.

>>> PARAMETERS.rho_domain, PARAMETERS.reassessment_months["very_high"]
(0.6, 3)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from rnr._frozen import frozen_map

__all__ = ["PARAMETERS", "Parameters"]


def _map(**values: Any) -> Mapping[str, Any]:
    return frozen_map(values)


def _field(**values: Any) -> Any:
    return attrs.field(converter=frozen_map, factory=lambda: dict(values))


@attrs.frozen
class Parameters:
    """The simulation model's parameters (see ``docs/simulation.md``).

    Shares are probabilities; days and months are calendar units; latent
    quantities are in standard deviations of the general risk θ.

    Attributes:
        intake_days: entries are spread evenly over the first ``intake_days``
            days from ``start`` (unless :func:`rnr.simulate.simulate` is given
            ``intake_years``).
        sentence_to_entry_days: the entry follows the sentence by this many
            days (uniform, inclusive).
        baseline_delay_days: the baseline assessment follows the entry by this
            many days (uniform, inclusive), well inside the 45-day PII deadline.
        offence_to_sentence_days: a young person's offence precedes the
            sentence by this many days (uniform), for the age at the offence.
        male_share: share of men by regime.
        adult_age_gamma: adult age at entry is 18 + Gamma(shape, scale) years.
        adult_age_max: adult ages are capped here.
        juvenile_age_at_offence: shares of ages 14, 15, 16 and 17 at the offence.
        sanction_share: shares of the sanctions, by regime.
        offence_share: per adult sanction, shares of the offence category the
            law reads (``none`` = no special category).
        common_sentence_share: share of adult sentences at a common length
            (541 days, 818 days, 3 years, 3 years and a day, 4 and 5 years);
            the others are uniform within the legal range.
        common_sentence_days: the common adult sentence lengths, in days.
        sentence_months: per juvenile sanction, the range of months the
            sentence lasts (uniform, whole months), turned into days as the
            policies read them (:func:`rnr.policy.engine.months_to_days`:
            365/12 days a month, rounded; 36 months = 1095 days). IRC needs a
            sanction of more than 3 years (Ley 20.084 art. 23, as the juvenile
            policy encodes it) and at most 5 years before 16.
        custodial_sanctions: sanctions served in custody (a closed centre):
            no breach of conditions and no revocation; new offences at
            ``custody_offence_factor`` of the hazard until discharge.
        custody_offence_factor: the monthly new-offence probability in custody
            is multiplied by this (offences inside the centre are rarer).
        theta_male: men's mean general risk θ, above women's.
        theta_adult_per_decade: for adults, θ rises this much per decade
            younger than ``theta_adult_reference_age``.
        theta_adult_reference_age: the adult age where the age term is 0.
        theta_juvenile_per_year: for young people, θ rises this much per year
            the offence came before 17 (early onset).
        rho_domain: correlation of each domain's latent with θ.
        discrimination: slope of an item's log-odds on its domain latent.
        item_spread: the items of a domain range from ``+item_spread`` (the
            first, most common) to ``-item_spread`` (the last) around the
            domain's log-odds, in instrument order.
        prevalence: share of people answering an item of the domain at
            latent 0, keyed ``<instrument id>.<domain id>``.
        default_prevalence: for a domain ``prevalence`` does not list.
        strength_prevalence: share of strength items answered true at latent 0.
        strength_discrimination: slope of a strength item on its domain latent
            (negative direction: strengths come with a low latent).
        reversion_per_month: rate at which a dynamic latent returns to the
            person's general level rho_domain·θ (Ornstein-Uhlenbeck).
        noise_per_month: the latent's month-to-month volatility.
        treatment_per_month: fall of a dynamic latent per month at 200 hours of
            intervention (scaled by the hours the risk level calls for).
        treatment_hours: hours of intervention each risk level calls for (the
            shipped policies' intensity tables); unknown levels get 100.
        motivation_effect: multiplier of the treatment effect by stage of change.
        low_risk_harm_per_month: rise of a dynamic latent per month for a
            person at the instrument's lowest level in an intensive sanction:
            the risk principle's harm of over-intervention.
        intensive_sanctions: the sanctions that count as intensive.
        offence_shock: rise of every dynamic latent after a new offence.
        redraw_probability: chance that a dynamic item is answered afresh at a
            reassessment; otherwise it keeps its previous answer.
        history_items: per static item, the event kind and the count of such
            events since entry that turn it on at the next assessment.
        offence_clears_strength: whether a new offence clears the strength
            item of a static domain.
        reassessment_months: months to the next reassessment by risk level
            (the shipped policies' reassessment tables); other levels get
            ``default_reassessment_months``.
        default_reassessment_months: months for a level not listed.
        reassessment_early_days: a reassessment is done up to this many days
            before it falls due (uniform); the next one falls due counted from
            the due date, so the schedule does not drift.
        review_months: the plan is reviewed every this many months from the
            baseline assessment while the case is open.
        recidivism_lowest: yearly new-offence probability at the midpoint of
            the instrument's lowest band.
        recidivism_highest: the same at the midpoint of the highest band; the
            monthly log-odds are linear in the total between them.
        breach_lowest: yearly breach probability at the lowest band's midpoint.
        breach_highest: yearly breach probability at the highest band's midpoint.
        after_discharge_hazard: the monthly new-offence probability is
            multiplied by this after discharge (supervision and support end).
        revocation_after_offence: chance that a new offence during the sentence
            leads to revocation.
        revocation_after_breach: chance that the first, second and third (or
            later) breach leads to revocation.
        revocation_delay_days: days from the offence or breach to the
            revocation hearing (uniform).
        reentry_after_offence: chance that an offence after discharge leads to
            a harsher sentence (custody; IRC for a young person under 18).
        reentry_delay_days: days from that offence to the new sentence.
        attendance_sessions: sessions scheduled per calendar month, by juvenile
            sanction and component id (``plans/indicators/programas.toml``);
            one attendance record per component and month the case is open,
            dated on the month's last day (or the day before the closing),
            prorated in a partial month.
        attendance_needs: components given only while the latest assessment
            flags this need domain as criminogenic.
        attendance_sessions_spread: scheduled sessions vary by ± this much
            (components of a single monthly session do not vary).
        attendance_rate: mean share of sessions attended at θ = 0.
        attendance_component_rate: per component, the mean share attended at
            θ = 0 instead of ``attendance_rate`` (a health assessment is
            rarely missed).
        attendance_theta: fall of the attendance log-odds per unit of θ.
        attendance_person_sd: person-to-person spread of attendance log-odds.
        attendance_month_sd: month-to-month spread of attendance log-odds.
        coexistence_sanctions: sanctions whose centre reviews the coexistence
            rules every calendar month from the baseline assessment (a
            ``coexistence_review`` record).
        coexistence_rate: chance at θ = 0 that a month's review finds the
            rules complied with.
        coexistence_theta: fall of its log-odds per unit of θ.
        coexistence_person_sd: person-to-person spread of its log-odds.
        component_objectives: per sanction, the component that sets yearly
            objectives (a ``component_objectives`` record per calendar year
            the case is open at least ``objectives_min_days``, dated 31
            December or the day before the closing).
        objectives_per_year: objectives set per year (uniform, inclusive).
        objectives_met_rate: mean share met at θ = 0.
        objectives_theta: fall of its log-odds per unit of θ.
        objectives_person_sd: person-to-person spread of its log-odds.
        objectives_min_days: days open in a year for it to have objectives.
        progress_base: log-odds per review that an objective in progress is
            achieved, with no change in its domain.
        progress_per_improvement: added log-odds per share of the domain's
            maximum by which its total fell since the objective was set.
        progress_not_achieved: chance per review that an objective in progress
            is judged not achieved (plus the share of the domain's maximum by
            which it rose).
        closing_base: log-odds that an objective still in progress at the
            closing review is achieved, with no change in its domain.
        double_scored_share: share of assessments scored by a second rater.
        rater_disagreements: a second rater disagrees on this many dynamic
            items (uniform, inclusive).
        motivation: shares of the stages of change at θ = 0, by regime;
            higher θ shifts people towards the earlier stages.
        motivation_theta: shift of the stage's ordinal log-odds per unit of θ.
        literacy: shares by regime.
        cognitive_limited: share with limited cognitive ability, by regime.
        mental_health: shares by regime.
        substance_dependence: share at a substance-domain latent of 0, by regime.
        substance_domains: the domains read for substance dependence.
        education_domains: the domains read for schooling.
        language: shares of the language codes.
        gender_nonbinary: share stating a non-binary gender; the others state
            ``masculino`` or ``femenino`` after their sex.
        trauma: share with a trauma history by regime and sex (``<regime>.<sex>``).
        disability: shares of disability categories.
        parenthood: share of parents by regime and sex.
        schooling: shares by regime at an education latent of 0; the first
            category (``enrolled`` for young people, ``completed`` for adults)
            falls as the latent rises.
        schooling_education: fall of the first schooling category's log-odds
            per unit of the education latent.
    """

    # -- entry and legal situation --------------------------------------------
    intake_days: int = 7
    sentence_to_entry_days: tuple[int, int] = (3, 42)
    baseline_delay_days: tuple[int, int] = (0, 6)
    offence_to_sentence_days: tuple[int, int] = (60, 420)
    male_share: Mapping[str, float] = _field(adult=0.86, juvenile=0.88)
    adult_age_gamma: tuple[float, float] = (2.0, 6.5)
    adult_age_max: int = 75
    juvenile_age_at_offence: tuple[float, float, float, float] = (0.12, 0.20, 0.30, 0.38)
    sanction_share: Mapping[str, Mapping[str, float]] = attrs.field(
        converter=frozen_map,
        factory=lambda: {
            "adult": _map(LV=0.55, LVI=0.45),
            "juvenile": _map(LAS=0.50, LAE=0.27, LAEIP=0.13, IRC=0.10),
        },
    )
    offence_share: Mapping[str, Mapping[str, float]] = attrs.field(
        converter=frozen_map,
        factory=lambda: {
            "LV": _map(none=0.60, drugs_art4=0.30, traffic_196=0.10),
            "LVI": _map(none=0.55, vif=0.35, sexual=0.10),
        },
    )
    common_sentence_share: float = 0.6
    common_sentence_days: tuple[int, ...] = (541, 818, 1095, 1096, 1460, 1825)
    sentence_months: Mapping[str, tuple[int, int]] = _field(
        LAS=(6, 18), LAE=(12, 36), LAEIP=(12, 36), IRC=(37, 59)
    )
    custodial_sanctions: tuple[str, ...] = ("IRC",)
    custody_offence_factor: float = 0.1
    # -- latent risk and items ------------------------------------------------
    theta_male: float = 0.25
    theta_adult_per_decade: float = 0.25
    theta_adult_reference_age: float = 30.0
    theta_juvenile_per_year: float = 0.10
    rho_domain: float = 0.6
    discrimination: float = 1.9
    item_spread: float = 0.8
    prevalence: Mapping[str, float] = _field(
        **{
            "lscmi.criminal_history": 0.17,
            "lscmi.education_employment": 0.30,
            "lscmi.family_marital": 0.25,
            "lscmi.leisure_recreation": 0.38,
            "lscmi.companions": 0.26,
            "lscmi.alcohol_drug": 0.21,
            "lscmi.procriminal_attitude": 0.15,
            "lscmi.antisocial_pattern": 0.19,
            "ylscmi.prior_current_offences": 0.14,
            "ylscmi.family_parenting": 0.26,
            "ylscmi.education_employment": 0.34,
            "ylscmi.peers": 0.34,
            "ylscmi.substance_abuse": 0.26,
            "ylscmi.leisure_recreation": 0.38,
            "ylscmi.personality_behaviour": 0.26,
            "ylscmi.attitudes_orientation": 0.23,
        }
    )
    default_prevalence: float = 0.3
    strength_prevalence: float = 0.25
    strength_discrimination: float = 1.2
    # -- change between assessments -------------------------------------------
    reversion_per_month: float = 0.04
    noise_per_month: float = 0.10
    treatment_per_month: float = 0.05
    treatment_hours: Mapping[str, int] = _field(
        very_low=0, low=10, medium=100, moderate=100, high=200, very_high=300
    )
    motivation_effect: Mapping[str, float] = _field(
        precontemplation=0.5, contemplation=0.8, preparation=1.0, action=1.2, maintenance=1.2
    )
    low_risk_harm_per_month: float = 0.01
    intensive_sanctions: tuple[str, ...] = ("LVI", "LAE", "LAEIP", "IRC")
    offence_shock: float = 0.3
    redraw_probability: float = 0.4
    history_items: Mapping[str, tuple[str, int]] = _field(
        prior_adult_convictions=("new_offence", 1),
        multiple_prior_convictions=("new_offence", 2),
        supervision_breach=("breach", 1),
        prior_community_supervision=("new_offence", 1),
        three_plus_prior_findings=("new_offence", 2),
        two_plus_failures_to_comply=("breach", 2),
    )
    offence_clears_strength: bool = True
    # -- schedule ---------------------------------------------------------------
    reassessment_months: Mapping[str, int] = _field(very_high=3)
    default_reassessment_months: int = 6
    reassessment_early_days: int = 14
    review_months: int = 3
    # -- events -----------------------------------------------------------------
    recidivism_lowest: float = 0.08
    recidivism_highest: float = 0.55
    breach_lowest: float = 0.08
    breach_highest: float = 0.35
    after_discharge_hazard: float = 1.5
    revocation_after_offence: float = 0.35
    revocation_after_breach: tuple[float, float, float] = (0.03, 0.15, 0.4)
    revocation_delay_days: tuple[int, int] = (14, 60)
    reentry_after_offence: float = 0.7
    reentry_delay_days: tuple[int, int] = (30, 120)
    attendance_sessions: Mapping[str, Mapping[str, int]] = attrs.field(
        converter=frozen_map,
        factory=lambda: {
            "LAE": _map(**{"apoyo-socioeducativo": 8}),
            "LAEIP": _map(
                **{
                    "apoyo-socioeducativo": 12,
                    "actitudes-creencias-procriminales": 3,
                    "convivencia-bienestar": 4,
                }
            ),
            "IRC": _map(
                **{
                    "irc-apoyo-socioeducativo": 16,
                    "irc-motivacion-desistimiento": 4,
                    "irc-evaluacion-salud-biopsicosocial": 1,
                }
            ),
        },
    )
    attendance_needs: Mapping[str, str] = _field(
        **{"actitudes-creencias-procriminales": "attitudes_orientation"}
    )
    attendance_sessions_spread: int = 2
    attendance_rate: float = 0.92
    attendance_component_rate: Mapping[str, float] = _field(
        **{"irc-evaluacion-salud-biopsicosocial": 0.985}
    )
    attendance_theta: float = 0.4
    attendance_person_sd: float = 0.7
    attendance_month_sd: float = 0.5
    coexistence_sanctions: tuple[str, ...] = ("IRC",)
    coexistence_rate: float = 0.96
    coexistence_theta: float = 0.4
    coexistence_person_sd: float = 0.8
    component_objectives: Mapping[str, str] = _field(IRC="irc-apoyo-socioeducativo")
    objectives_per_year: tuple[int, int] = (3, 6)
    objectives_met_rate: float = 0.78
    objectives_theta: float = 0.4
    objectives_person_sd: float = 0.8
    objectives_min_days: int = 30
    # -- plan reviews -----------------------------------------------------------
    progress_base: float = -2.2
    progress_per_improvement: float = 6.0
    progress_not_achieved: float = 0.02
    closing_base: float = 0.3
    # -- second raters ----------------------------------------------------------
    double_scored_share: float = 0.10
    rater_disagreements: tuple[int, int] = (1, 3)
    # -- responsivity -----------------------------------------------------------
    motivation: Mapping[str, Mapping[str, float]] = attrs.field(
        converter=frozen_map,
        factory=lambda: {
            "adult": _map(
                precontemplation=0.25,
                contemplation=0.35,
                preparation=0.20,
                action=0.15,
                maintenance=0.05,
            ),
            "juvenile": _map(
                precontemplation=0.35,
                contemplation=0.35,
                preparation=0.17,
                action=0.10,
                maintenance=0.03,
            ),
        },
    )
    motivation_theta: float = 0.5
    literacy: Mapping[str, Mapping[str, float]] = attrs.field(
        converter=frozen_map,
        factory=lambda: {
            "adult": _map(adequate=0.80, low=0.17, none=0.03),
            "juvenile": _map(adequate=0.75, low=0.22, none=0.03),
        },
    )
    cognitive_limited: Mapping[str, float] = _field(adult=0.10, juvenile=0.15)
    mental_health: Mapping[str, Mapping[str, float]] = attrs.field(
        converter=frozen_map,
        factory=lambda: {
            "adult": _map(none=0.65, present=0.30, severe=0.05),
            "juvenile": _map(none=0.55, present=0.38, severe=0.07),
        },
    )
    substance_dependence: Mapping[str, float] = _field(adult=0.25, juvenile=0.20)
    substance_domains: tuple[str, ...] = ("alcohol_drug", "substance_abuse")
    education_domains: tuple[str, ...] = ("education_employment",)
    language: Mapping[str, float] = _field(es=0.96, ht=0.025, qu=0.01, ay=0.005)
    gender_nonbinary: float = 0.005
    trauma: Mapping[str, float] = _field(
        **{"adult.male": 0.35, "adult.female": 0.55, "juvenile.male": 0.60, "juvenile.female": 0.75}
    )
    disability: Mapping[str, float] = _field(
        none=0.92, physical=0.02, sensory=0.01, intellectual=0.03, psychosocial=0.02
    )
    parenthood: Mapping[str, float] = _field(
        **{"adult.male": 0.45, "adult.female": 0.65, "juvenile.male": 0.05, "juvenile.female": 0.10}
    )
    schooling: Mapping[str, Mapping[str, float]] = attrs.field(
        converter=frozen_map,
        factory=lambda: {
            "adult": _map(completed=0.35, dropped_out=0.55, enrolled=0.05, not_enrolled=0.05),
            "juvenile": _map(enrolled=0.50, dropped_out=0.35, not_enrolled=0.15),
        },
    )
    schooling_education: float = 0.8

    def components(self) -> tuple[str, ...]:
        """Every component id the follow-up records name, in a fixed order (their codes)."""
        found = {c for table in self.attendance_sessions.values() for c in table}
        found |= set(self.component_objectives.values())
        return tuple(sorted(found))

    def as_mapping(self) -> Mapping[str, Any]:
        """Every parameter by name, read-only (nested mappings are read-only too)."""
        return frozen_map({f.name: getattr(self, f.name) for f in attrs.fields(type(self))})


#: The parameters :func:`rnr.simulate.simulate` uses.
PARAMETERS = Parameters()
