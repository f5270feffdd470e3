import type { FastifyInstance, FastifyReply } from "fastify";
import { stringParams, type EmulatorContext } from "../context.js";
import type { Account, AttendanceRecord, AttendanceReport, OnlineMeeting } from "../state.js";
import { graphCaller } from "./auth.js";
import { sendGraphError } from "./errors.js";

function meetingResource(meeting: OnlineMeeting): object {
  return {
    id: meeting.id, creationDateTime: meeting.startDateTime, startDateTime: meeting.startDateTime, endDateTime: meeting.endDateTime,
    joinWebUrl: meeting.joinWebUrl, joinUrl: meeting.joinWebUrl, subject: meeting.subject, isBroadcast: false, allowAttendeeToEnableCamera: true,
    participants: { organizer: { upn: null, role: "presenter", identity: { user: { id: meeting.organizerId, displayName: null } } }, attendees: [] },
  };
}

function reportResource(report: AttendanceReport): object {
  return { id: report.id, totalParticipantCount: report.records.length, meetingStartDateTime: report.meetingStartDateTime, meetingEndDateTime: report.meetingEndDateTime };
}

function recordResource(record: AttendanceRecord, tenantId: string): object {
  const seconds = Math.round((Date.parse(record.leaveDateTime) - Date.parse(record.joinDateTime)) / 1000);
  return {
    id: record.id, emailAddress: record.emailAddress, totalAttendanceInSeconds: seconds, role: record.role,
    identity: { id: record.identityId, displayName: record.displayName, tenantId },
    attendanceIntervals: [{ joinDateTime: record.joinDateTime, leaveDateTime: record.leaveDateTime, durationInSeconds: seconds }],
  };
}

/** `JoinWebUrl eq '...'` (single quotes doubled inside the literal, OData style). */
function joinWebUrlFilter(filter: string | undefined): string | undefined {
  const match = filter ? /^\s*JoinWebUrl\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter) : null;
  return match?.[1]?.replace(/''/g, "'");
}

export function registerGraphOnlineMeetings(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const published = (report: AttendanceReport): boolean => report.visibleAt <= state.now();

  // Attendance reports are online meeting artifacts: only the organiser can read them.
  const organisedMeeting = (account: Account, id: string, reply: FastifyReply): OnlineMeeting | undefined => {
    const meeting = state.onlineMeetings.get(id);
    if (!meeting) {
      sendGraphError(reply, 404, "NotFound", "Meeting not found.");
      return undefined;
    }
    if (meeting.organizerId !== account.id) {
      sendGraphError(reply, 403, "Forbidden", "The user is not the organizer of the meeting and cannot access its artifacts.");
      return undefined;
    }
    return meeting;
  };

  app.get("/v1.0/me/onlineMeetings", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const url = joinWebUrlFilter(stringParams(request.query)["$filter"]);
    if (url === undefined) return sendGraphError(reply, 400, "BadRequest", "Filter expression expected - /onlineMeetings?$filter={ParameterName} eq '{id}'.");
    // Documented form: the join URL URL-encoded inside the literal; a decoded URL is accepted too.
    const found = [...state.onlineMeetings.values()].filter((m) => (m.joinWebUrl === url || decodeURIComponent(m.joinWebUrl) === url) && m.organizerId === account.id);
    return { "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#users('${account.id}')/onlineMeetings`, value: found.map(meetingResource) };
  });

  app.get<{ Params: { id: string } }>("/v1.0/me/onlineMeetings/:id", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const meeting = organisedMeeting(account, request.params.id, reply);
    return meeting ? meetingResource(meeting) : reply;
  });

  app.get<{ Params: { id: string } }>("/v1.0/me/onlineMeetings/:id/attendanceReports", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const meeting = organisedMeeting(account, request.params.id, reply);
    if (!meeting) return reply;
    return { "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#users('${account.id}')/onlineMeetings('${meeting.id}')/attendanceReports`, value: meeting.reports.filter(published).map(reportResource) };
  });

  app.get<{ Params: { id: string; reportId: string } }>("/v1.0/me/onlineMeetings/:id/attendanceReports/:reportId/attendanceRecords", async (request, reply) => {
    const account = graphCaller(ctx, request, reply);
    if (!account) return reply;
    const meeting = organisedMeeting(account, request.params.id, reply);
    if (!meeting) return reply;
    const report = meeting.reports.find((r) => r.id === request.params.reportId && published(r));
    if (!report) return sendGraphError(reply, 404, "NotFound", "Attendance report not found.");
    return { "@odata.context": `${ctx.baseUrl()}/v1.0/$metadata#users('${account.id}')/onlineMeetings('${meeting.id}')/attendanceReports('${report.id}')/attendanceRecords`, value: report.records.map((r) => recordResource(r, account.tenantId)) };
  });
}
