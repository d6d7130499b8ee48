package org.bulkfhir.store.generate;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.bulkfhir.store.generate.FhirTime.DAY;
import static org.bulkfhir.store.generate.FhirTime.REFERENCE;
import static org.bulkfhir.store.generate.FhirTime.WINDOW_START;
import static org.bulkfhir.store.generate.FhirTime.years;
import static org.bulkfhir.store.generate.Vocabulary.Chronic;

/**
 * Who a patient is and how their body behaves: demographics, the long-term conditions they
 * develop (with onset dates), insurance history and allergies. Vital signs and lab values are
 * derived from this state at any point in time, so a diabetic's HbA1c is high before treatment
 * starts and falls after, and children grow.
 */
final class Person {
    final int index;
    final boolean female;
    final String[] given;
    final String family;
    final long birth;
    /** Death time, or 0. */
    final long death;
    /** The last moment anything can happen: death or the reference date. */
    final long end;
    /** First moment in the clinical window for this patient. */
    final long start;
    final Vocabulary.Town town;
    final String street;
    final String phone;
    final String email;
    final Vocabulary.Language language;
    final Code marital;
    final int practitioner;
    final int hospital;

    final double adultHeight;
    final double leanBmi;
    final double obeseBmi;
    final double systolicOffset;
    final double restingHeartRate;
    final double hdlBase;

    final Map<Chronic, Long> onset = new EnumMap<>(Chronic.class);
    final List<Vocabulary.Allergen> allergies = new ArrayList<>(2);
    final List<CoverageSpan> coverages = new ArrayList<>(2);

    /** A period insured by one payer. {@code end} 0 means still active. */
    record CoverageSpan(String id, int payer, long start, long end, String memberId) {
    }

    Person(SplittableRandom r, int index, SharedResources shared) {
        this.index = index;
        female = Rand.chance(r, 0.51);
        birth = FhirTime.BIRTH_MIN + (long) (r.nextDouble() * (FhirTime.BIRTH_MAX - FhirTime.BIRTH_MIN)) / DAY * DAY;
        double ageAtReference = FhirTime.ageYears(birth, REFERENCE);
        if (ageAtReference > 72 && Rand.chance(r, 0.22)) {
            long earliest = Math.max(WINDOW_START + years(1), birth + years(70));
            death = earliest + (long) (r.nextDouble() * (REFERENCE - DAY * 30 - earliest))
                    + FhirTime.HOUR * r.nextInt(24);
        } else {
            death = 0;
        }
        end = death > 0 ? death : REFERENCE;
        start = Math.max(WINDOW_START, birth + 2 * DAY);

        String[] names = female ? Vocabulary.GIVEN_FEMALE : Vocabulary.GIVEN_MALE;
        String first = Rand.pick(r, names);
        if (Rand.chance(r, 0.4)) {
            String middle = Rand.pick(r, names);
            given = middle.equals(first) ? new String[] {first} : new String[] {first, middle};
        } else {
            given = new String[] {first};
        }
        family = Rand.pick(r, Vocabulary.FAMILY);
        town = Rand.pick(r, Vocabulary.TOWNS);
        street = (1 + r.nextInt(250)) + " " + Rand.pick(r, Vocabulary.STREETS);
        phone = SharedResources.phone(r);
        email = ageAtReference >= 16 && Rand.chance(r, 0.6)
                ? (SharedResources.ascii(first) + "." + SharedResources.ascii(family) + index
                + "@example.com").toLowerCase()
                : null;
        language = language(r);
        marital = marital(r, ageAtReference);
        practitioner = r.nextInt(shared.practitioners.size());
        hospital = shared.practitioners.get(practitioner).hospital();

        adultHeight = female ? Rand.normal(r, 163, 6.5) : Rand.normal(r, 176.5, 7);
        leanBmi = Rand.clamp(Rand.normal(r, 25.5, 3), 18.6, 29.6);
        obeseBmi = Rand.uniform(r, 30.5, 41);
        systolicOffset = Rand.normal(r, 0, 7);
        restingHeartRate = Rand.clamp(Rand.normal(r, 72, 8), 52, 96);
        hdlBase = Rand.uniform(r, 40, 62) + (female ? 8 : 0);

        drawConditions(r, FhirTime.ageYears(birth, end));
        for (Vocabulary.Allergen a : Vocabulary.ALLERGENS) {
            if (allergies.size() < 2 && Rand.chance(r, a.prevalence())) {
                allergies.add(a);
            }
        }
    }

    private static Vocabulary.Language language(SplittableRandom r) {
        int x = r.nextInt(1000);
        for (Vocabulary.Language l : Vocabulary.LANGUAGES) {
            x -= l.perMille();
            if (x < 0) {
                return l;
            }
        }
        return Vocabulary.LANGUAGES[0];
    }

    private static Code marital(SplittableRandom r, double age) {
        double x = r.nextDouble();
        if (age < 18) {
            return Vocabulary.NEVER_MARRIED;
        } else if (age < 30) {
            return x < 0.7 ? Vocabulary.NEVER_MARRIED : x < 0.95 ? Vocabulary.MARRIED : Vocabulary.DIVORCED;
        } else if (age < 65) {
            return x < 0.2 ? Vocabulary.NEVER_MARRIED : x < 0.75 ? Vocabulary.MARRIED
                    : x < 0.95 ? Vocabulary.DIVORCED : Vocabulary.WIDOWED;
        }
        return x < 0.08 ? Vocabulary.NEVER_MARRIED : x < 0.58 ? Vocabulary.MARRIED
                : x < 0.7 ? Vocabulary.DIVORCED : Vocabulary.WIDOWED;
    }

    /**
     * Prevalences by age reached, loosely after US adult figures; comorbidities raise each
     * other's odds (obesity → diabetes, diabetes and hypertension → kidney disease).
     */
    private void drawConditions(SplittableRandom r, double age) {
        for (Chronic c : Chronic.values()) {
            double p = switch (c) {
                case OBESITY -> age < 5 ? 0 : age < 18 ? 0.17 : 0.32;
                case DIABETES -> age < 18 ? 0.002
                        : Math.min(0.28, 0.01 + (age - 18) * 0.0035) * (onset.containsKey(Chronic.OBESITY) ? 2.0 : 0.8);
                case HYPERTENSION -> age < 18 ? 0.01
                        : Math.min(0.7, 0.04 + (age - 18) * 0.011) * (onset.containsKey(Chronic.OBESITY) ? 1.3 : 1.0);
                case HYPERLIPIDEMIA -> age < 20 ? 0
                        : Math.min(0.5, 0.03 + (age - 20) * 0.008) * (onset.containsKey(Chronic.DIABETES) ? 1.5 : 1.0);
                case CKD -> age < 30 ? 0 : Math.min(0.45, Math.min(0.3, (age - 30) * 0.003)
                        * (onset.containsKey(Chronic.DIABETES) ? 2.5 : 1.0)
                        * (onset.containsKey(Chronic.HYPERTENSION) ? 1.8 : 1.0));
                case HYPOTHYROIDISM -> age < 20 ? 0
                        : female ? Math.min(0.15, (age - 20) * 0.003) : Math.min(0.04, (age - 20) * 0.001);
                case ASTHMA -> age < 3 ? 0 : 0.08;
                case DEPRESSION -> age < 14 ? 0 : female ? 0.12 : 0.08;
                case OSTEOARTHRITIS -> age < 45 ? 0 : Math.min(0.35, (age - 45) * 0.008);
            };
            if (!Rand.chance(r, p)) {
                continue;
            }
            long earliest = birth + years(c.minAge);
            if (c == Chronic.CKD) {
                // Kidney damage follows the diseases that cause it.
                for (Chronic cause : new Chronic[] {Chronic.DIABETES, Chronic.HYPERTENSION}) {
                    Long o = onset.get(cause);
                    if (o != null) {
                        earliest = Math.max(earliest, o + years(2));
                    }
                }
            }
            if (earliest >= end - DAY * 30) {
                continue;
            }
            double u = r.nextDouble();
            boolean ageRelated = c != Chronic.ASTHMA && c != Chronic.DEPRESSION && c != Chronic.OBESITY;
            double f = ageRelated ? Math.sqrt(u) : u;
            onset.put(c, earliest + (long) (f * (end - DAY * 30 - earliest)));
        }
    }

    /** Draws insurance: a commercial plan, Medicare from 65, sometimes a change of plan. */
    void drawCoverage(SplittableRandom r, ResourceWriter w) {
        int commercial = Rand.chance(r, 0.55) ? 1 : 2;
        long turns65 = birth + years(65);
        long from = start;
        if (turns65 > from && Rand.chance(r, 0.2)) {
            long change = from + (long) (r.nextDouble() * (Math.min(end, turns65) - from));
            if (change - from > years(1) && Math.min(end, turns65) - change > years(1)) {
                coverages.add(new CoverageSpan(w.newId("Coverage"), commercial, from, change, memberId(r)));
                commercial = 3 - commercial;
                from = change;
            }
        }
        if (turns65 > from && turns65 < end) {
            coverages.add(new CoverageSpan(w.newId("Coverage"), commercial, from, turns65, memberId(r)));
            from = turns65;
        }
        int payer = turns65 <= from ? 3 : commercial;
        coverages.add(new CoverageSpan(w.newId("Coverage"), payer, from, death, memberId(r)));
    }

    private static String memberId(SplittableRandom r) {
        return String.format("%03d-%02d-%04d", 100 + r.nextInt(900), r.nextInt(100), r.nextInt(10_000));
    }

    CoverageSpan coverageAt(long t) {
        for (CoverageSpan c : coverages) {
            if (t >= c.start() && (c.end() == 0 || t < c.end())) {
                return c;
            }
        }
        return coverages.get(coverages.size() - 1);
    }

    double age(long t) {
        return FhirTime.ageYears(birth, t);
    }

    boolean has(Chronic c, long t) {
        Long o = onset.get(c);
        return o != null && o <= t;
    }

    boolean hasEver(Chronic c) {
        return onset.containsKey(c);
    }

    String displayName() {
        return String.join(" ", given) + " " + family;
    }

    // ---- physiology --------------------------------------------------------------------------

    private static final double[][] GROWTH = {
            {0, 0.285}, {0.5, 0.38}, {1, 0.43}, {2, 0.49}, {4, 0.58}, {6, 0.66}, {8, 0.73}, {10, 0.79},
            {12, 0.86}, {14, 0.93}, {16, 0.98}, {18, 1.0}};
    private static final double[][] CHILD_BMI = {
            {0, 13.4}, {0.5, 17.2}, {1, 17.5}, {2, 16.4}, {4, 15.6}, {6, 15.4}, {8, 16.0}, {10, 17.0},
            {12, 18.2}, {14, 19.6}, {16, 20.8}, {18, 21.8}};

    private static double interpolate(double[][] table, double x) {
        if (x <= table[0][0]) {
            return table[0][1];
        }
        for (int i = 1; i < table.length; i++) {
            if (x <= table[i][0]) {
                double f = (x - table[i - 1][0]) / (table[i][0] - table[i - 1][0]);
                return table[i - 1][1] + f * (table[i][1] - table[i - 1][1]);
            }
        }
        return table[table.length - 1][1];
    }

    double height(long t) {
        double age = age(t);
        double h = adultHeight * interpolate(GROWTH, age);
        if (female && age < 18) {
            // Girls finish growing about two years earlier.
            h = adultHeight * interpolate(GROWTH, Math.min(18, age * 1.12));
        }
        return age > 70 ? h - (age - 70) * 0.15 : h;
    }

    double bmi(long t) {
        double age = age(t);
        boolean obese = has(Chronic.OBESITY, t);
        if (age < 18) {
            double child = interpolate(CHILD_BMI, age) * (obese ? 1.3 : 1.0);
            double adult = obese ? obeseBmi : leanBmi;
            // Blend into the adult value through the late teens.
            double f = Rand.clamp((age - 14) / 4, 0, 1);
            return child * (1 - f) + Math.min(child * 1.1, adult) * f;
        }
        return obese ? obeseBmi : Math.min(leanBmi, hasEver(Chronic.OBESITY) ? 29.5 : leanBmi);
    }
}
