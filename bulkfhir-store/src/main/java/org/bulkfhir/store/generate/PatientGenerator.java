package org.bulkfhir.store.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.bulkfhir.store.generate.FhirTime.DAY;
import static org.bulkfhir.store.generate.FhirTime.HOUR;
import static org.bulkfhir.store.generate.FhirTime.MINUTE;
import static org.bulkfhir.store.generate.Vocabulary.Chronic;

/**
 * Generates one patient at a time: draws the {@link Person}, plans their visits over the
 * clinical window, then has a {@link ChartWriter} write them in date order. Each patient has
 * its own random stream seeded from (run seed, patient number), so patients are independent
 * of one another.
 */
final class PatientGenerator {
    /** What the Groups need to know about a written patient. */
    record Facts(String patientId, boolean diabetic, boolean payerOneMember) {
    }

    /** Well-baby visits, in days of age. */
    private static final int[] WELL_BABY_DAYS = {5, 60, 120, 180, 270, 365, 450, 540, 730};

    private final long seed;
    private final ResourceWriter w;
    private final SharedResources shared;

    PatientGenerator(long seed, ResourceWriter w, SharedResources shared) {
        this.seed = seed;
        this.w = w;
        this.shared = shared;
    }

    Facts generate(int index) {
        SplittableRandom r = new SplittableRandom(Ids.mix(seed, 0x70617469656e74L, index));
        Person p = new Person(r, index, shared);
        String patientId = w.newId("Patient");
        p.drawCoverage(r, w);
        List<Visit> visits = plan(r, p);

        ChartWriter chart = new ChartWriter(w, shared, p, r, patientId);
        chart.writePatient();
        chart.writeCoverages();
        for (int i = 0; i < visits.size(); i++) {
            chart.writeVisit(visits.get(i), i == 0);
        }
        chart.writePrescriptions();

        boolean payerOne = p.coverages.stream().anyMatch(c -> c.payer() == 1);
        return new Facts(patientId, p.hasEver(Chronic.DIABETES), payerOne);
    }

    List<Visit> plan(SplittableRandom r, Person p) {
        List<Visit> visits = new ArrayList<>();
        long start = p.start;
        long last = p.end - DAY;

        for (int slot = 0; slot < WELL_BABY_DAYS.length; slot++) {
            long t = clinicTime(r, p.birth + WELL_BABY_DAYS[slot] * DAY);
            if (t >= start && t < last) {
                Visit v = office(r, Visit.Kind.WELLNESS, t, 20, 40);
                v.wellChildSlot = slot;
                visits.add(v);
            }
        }

        for (int year = FhirTime.year(start); year <= FhirTime.year(last); year++) {
            long t = clinicTime(r, FhirTime.epochDay(year, 1, 1) * DAY + r.nextInt(365) * DAY);
            double age = p.age(t);
            double chance = age < 18 ? 0.7 : age >= 65 ? 0.7 : 0.45;
            if (t >= start && t < last && age >= 2.5 && Rand.chance(r, chance)) {
                visits.add(office(r, Visit.Kind.WELLNESS, t, 30, 60));
            }
        }

        // Acute problems arrive as a Poisson process; children get more of them.
        for (long t = start + Rand.exponentialGap(r, 0.5); t < last; ) {
            double age = p.age(t);
            Vocabulary.Acute a = Rand.weighted(r, Vocabulary.ACUTE, x ->
                    age >= x.minAge() && age <= x.maxAge() && (!x.femaleOnly() || p.female) ? x.weight() : 0);
            if (a != null) {
                Visit v = office(r, Visit.Kind.ACUTE, clinicTime(r, t), 15, 30);
                v.acute = a;
                visits.add(v);
            }
            t += Rand.exponentialGap(r, age < 12 ? 0.55 : 0.28);
        }

        for (long t = start + Rand.exponentialGap(r, 0.06); t < last; ) {
            double age = p.age(t);
            Vocabulary.Emergency e = Rand.weighted(r, Vocabulary.EMERGENCIES, x ->
                    age >= x.minAge() ? x.weight() : 0);
            long at = t / DAY * DAY + HOUR * r.nextInt(24) + MINUTE * r.nextInt(60);
            if (e != null && at + HOUR * 8 < p.end) {
                Visit v = new Visit(Visit.Kind.EMERGENCY, at, at + HOUR * (2 + r.nextInt(6)) + MINUTE * r.nextInt(60));
                v.emergency = e;
                visits.add(v);
            }
            t += Rand.exponentialGap(r, age >= 65 ? 0.1 : 0.06);
        }

        for (long t = start + Rand.exponentialGap(r, 0.02); t < last; ) {
            double age = p.age(t);
            Visit v = admission(r, p, t, false);
            if (v != null && v.end < p.end - DAY) {
                visits.add(v);
            }
            t += Rand.exponentialGap(r, age >= 65 ? 0.06 : 0.02);
        }

        // A condition that begins inside the window is diagnosed at a visit on that day.
        List<Chronic> known = new ArrayList<>();
        for (Chronic c : Chronic.values()) {
            Long onset = p.onset.get(c);
            if (onset == null) {
                continue;
            }
            if (onset >= start) {
                Visit v = office(r, Visit.Kind.DIAGNOSIS, clinicTime(r, onset), 20, 40);
                if (v.start >= p.end) {
                    continue;
                }
                v.diagnoses.add(c);
                visits.add(v);
            } else {
                known.add(c);
            }
        }

        planFollowUps(r, p, visits, last);

        if (p.death > 0) {
            Visit v = admission(r, p, p.death - DAY * (1 + r.nextInt(6)) - HOUR * r.nextInt(12), true);
            visits.add(v);
        }

        visits.sort(Comparator.comparingLong((Visit v) -> v.start).thenComparing(v -> v.kind));
        if (visits.isEmpty()) {
            visits.add(office(r, Visit.Kind.WELLNESS, clinicTime(r, start + DAY), 30, 60));
        }
        // Conditions older than the record are taken onto the problem list at the first visit.
        visits.get(0).diagnoses.addAll(0, known);
        return visits;
    }

    /**
     * Patients with conditions needing follow-up come back every few months: the more such
     * conditions, the more often.
     */
    private static void planFollowUps(SplittableRandom r, Person p, List<Visit> visits, long last) {
        long first = Long.MAX_VALUE;
        for (Chronic c : Chronic.values()) {
            Long onset = p.onset.get(c);
            if (c.followedUp && onset != null) {
                first = Math.min(first, Math.max(onset, p.start));
            }
        }
        if (first == Long.MAX_VALUE) {
            return;
        }
        long t = first + DAY * (60 + r.nextInt(60));
        while (t < last) {
            int n = 0;
            for (Chronic c : Chronic.values()) {
                if (c.followedUp && p.has(c, t)) {
                    n++;
                }
            }
            double months = n >= 3 ? 6 : n == 2 ? 9 : 13;
            if (n > 0) {
                visits.add(office(r, Visit.Kind.FOLLOW_UP, clinicTime(r, t), 15, 30));
            }
            t += (long) (months * 30.4 * DAY * Rand.uniform(r, 0.75, 1.25));
        }
    }

    private static Visit admission(SplittableRandom r, Person p, long t, boolean terminal) {
        double age = p.age(t);
        Vocabulary.Admission a = terminal
                ? Vocabulary.ADMISSIONS.get(age >= 55 && Rand.chance(r, 0.5) ? 2 : 0)
                : Rand.weighted(r, Vocabulary.ADMISSIONS, x -> age >= x.minAge() && age <= x.maxAge() ? x.weight() : 0);
        if (a == null) {
            return null;
        }
        long at = t / DAY * DAY + HOUR * r.nextInt(24) + MINUTE * r.nextInt(60);
        long end = terminal ? p.death
                : at + DAY * (a.minDays() + r.nextInt(a.maxDays() - a.minDays() + 1)) + HOUR * r.nextInt(8);
        Visit v = new Visit(Visit.Kind.INPATIENT, at, Math.max(end, at + HOUR * 6));
        v.admission = a;
        v.terminal = terminal;
        return v;
    }

    private static Visit office(SplittableRandom r, Visit.Kind kind, long t, int minMinutes, int maxMinutes) {
        return new Visit(kind, t, t + MINUTE * (minMinutes + r.nextInt(maxMinutes - minMinutes + 1)));
    }

    /** The day of {@code t} at an office hour: 13:00–20:45 UTC is 8 am–4 pm on the US east coast. */
    private static long clinicTime(SplittableRandom r, long t) {
        return t / DAY * DAY + HOUR * 13 + MINUTE * 15 * r.nextInt(32);
    }

}
