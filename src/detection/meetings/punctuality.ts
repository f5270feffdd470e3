import { z } from "zod";
import type { Database } from "../../platform/index.js";
import { isZoneName, zoneNameProblem } from "../../platform/index.js";

export const PUNCTUALITY_WEEKS = 12;

export const punctualityReport = z
  .object({
    timeZone: z.string().describe("weeks and hours are the user's, in this IANA zone"),
    timeZoneProblem: z
      .string()
      .nullable()
      .describe("why the report is in UTC rather than the zone in settings (a zone saved before zone names were checked); null when it is in the user's zone"),
    weeks: z
      .array(z.object({ weekStart: z.iso.date().describe("the Monday the week starts on"), onTime: z.number().int(), late: z.number().int(), missed: z.number().int() }))
      .describe(`the last ${PUNCTUALITY_WEEKS} weeks, oldest first, the current one last`),
    totals: z.object({ onTime: z.number().int(), late: z.number().int(), missed: z.number().int() }),
    averageMinutesLate: z.number().nullable().describe("over late meetings whose arrival is known (conference join or check-in); null when there are none"),
    lateMeasured: z.number().int().describe("how many of the late meetings have a known arrival (the ones averageMinutesLate is over)"),
    hours: z
      .array(z.object({ hour: z.number().int().min(0).max(23), meetings: z.number().int(), late: z.number().int(), missed: z.number().int() }))
      .describe("by the hour of the day the meetings started: 24 entries, 0 first"),
  })
  .meta({ id: "Punctuality" });

export type PunctualityReport = z.infer<typeof punctualityReport>;

const count = z.coerce.number().int();
const reportRow = z.object({
  time_zone: z.string(),
  weeks: z.array(z.object({ week_start: z.string(), on_time: count, late: count, missed: count })),
  average_minutes_late: z.coerce.number().nullable(),
  late_measured: count,
  hours: z.array(z.object({ hour: count, meetings: count, late: count, missed: count })),
});

/**
 * How punctual the user has been over the last 12 weeks, in one statement. A settled meeting
 * (attended or missed; unanswered suspicions and excused meetings do not count) is:
 * - missed when the miss was confirmed;
 * - late when the user's arrival (the earliest conference join or check-in) came more than
 *   the grace minutes after the start, or, with no arrival on record, detection saw it late;
 * - on time otherwise.
 * Minutes late are measured from the start to the arrival (never past the end).
 */
export async function punctualityOf(db: Database, userId: string, now: Date): Promise<PunctualityReport> {
  // The zone is checked here, not only when saved: a zone stored before names were checked
  // ("system", "UTC+5") made PostgreSQL fail every report, or read it with the sign flipped.
  const stored = (await db.settings.findUnique({ where: { userId }, select: { timeZone: true } }))?.timeZone ?? "UTC";
  const zone = isZoneName(stored) ? stored : "UTC";
  const rows = await db.$queryRaw<unknown[]>`
    with params as (
      select ${zone}::text as tz, coalesce(s.late_grace_minutes, 5) as grace
      from users u left join settings s on s.user_id = u.id
      where u.id = ${userId}::uuid
    ),
    weeks as (
      select generate_series(
               date_trunc('week', ${now}::timestamptz at time zone p.tz) - ${PUNCTUALITY_WEEKS - 1}::int * interval '1 week',
               date_trunc('week', ${now}::timestamptz at time zone p.tz),
               interval '1 week') as week_start
      from params p
    ),
    settled as (
      select m.state, m.start, m."end", m.start at time zone p.tz as local_start, p.grace,
             (select min(e.observed_at) from evidence e
               where e.meeting_id = m.id and e.kind in ('conference_joined', 'checked_in')) as arrived_at,
             exists (select 1 from state_transitions t where t.meeting_id = m.id and t.to_state = 'late') as seen_late
      from meetings m cross join params p
      where m.user_id = ${userId}::uuid
        and m.watched and not m.is_buffer
        and m.state in ('attended', 'missed')
        and m.start >= (select min(week_start) from weeks) at time zone p.tz
        and m.start < ${now}::timestamptz
    ),
    classified as (
      select local_start,
             case
               when state = 'missed' then 'missed'
               when arrived_at is not null and arrived_at > start + grace * interval '1 minute' then 'late'
               when arrived_at is null and seen_late then 'late'
               else 'on_time'
             end as outcome,
             -- least() skips nulls, so an unknown arrival must stay null here
             case when arrived_at is not null then extract(epoch from (least(arrived_at, "end") - start)) / 60 end as minutes_late
      from settled
    ),
    by_week as (
      select w.week_start,
             count(c.outcome) filter (where c.outcome = 'on_time') as on_time,
             count(c.outcome) filter (where c.outcome = 'late') as late,
             count(c.outcome) filter (where c.outcome = 'missed') as missed
      from weeks w left join classified c on date_trunc('week', c.local_start) = w.week_start
      group by w.week_start
    ),
    by_hour as (
      select h.hour,
             count(c.outcome) as meetings,
             count(c.outcome) filter (where c.outcome = 'late') as late,
             count(c.outcome) filter (where c.outcome = 'missed') as missed
      from generate_series(0, 23) as h(hour) left join classified c on extract(hour from c.local_start) = h.hour
      group by h.hour
    )
    select
      (select tz from params) as time_zone,
      (select coalesce(json_agg(json_build_object('week_start', to_char(week_start, 'YYYY-MM-DD'), 'on_time', on_time, 'late', late, 'missed', missed) order by week_start), '[]'::json) from by_week) as weeks,
      (select avg(minutes_late) from classified where outcome = 'late' and minutes_late is not null) as average_minutes_late,
      (select count(*) from classified where outcome = 'late' and minutes_late is not null) as late_measured,
      (select json_agg(json_build_object('hour', hour, 'meetings', meetings, 'late', late, 'missed', missed) order by hour) from by_hour) as hours
  `;
  const row = reportRow.parse(rows[0]);
  const weeks = row.weeks.map((week) => ({ weekStart: week.week_start, onTime: week.on_time, late: week.late, missed: week.missed }));
  return {
    timeZone: row.time_zone,
    timeZoneProblem: zone === stored ? null : `${zoneNameProblem(stored)}; this report is in UTC until a zone is chosen in Settings`,
    weeks,
    totals: weeks.reduce((sum, week) => ({ onTime: sum.onTime + week.onTime, late: sum.late + week.late, missed: sum.missed + week.missed }), { onTime: 0, late: 0, missed: 0 }),
    averageMinutesLate: row.average_minutes_late === null ? null : Math.round(row.average_minutes_late * 10) / 10,
    lateMeasured: row.late_measured,
    hours: row.hours,
  };
}
