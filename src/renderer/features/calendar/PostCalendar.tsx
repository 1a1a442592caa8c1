import { format, getDay, parse, startOfWeek } from 'date-fns';
import { enUS } from 'date-fns/locale';
import { useCallback, useMemo } from 'react';
import { Calendar, dateFnsLocalizer, type EventProps, type Formats, type View } from 'react-big-calendar';
import withDragAndDropExport, { type EventInteractionArgs } from 'react-big-calendar/lib/addons/dragAndDrop';
import 'react-big-calendar/lib/css/react-big-calendar.css';
import 'react-big-calendar/lib/addons/dragAndDrop/styles.css';
import type { Post } from '../../../shared/contract/schemas/posts';
import { PLATFORM_LABELS } from '../../../shared/platforms';
import '../../styles/calendar.css';
import { postTime, useCalendarStore, type CalendarView } from './calendarStore';
import { STATUS_LABELS } from './postText';
import { toZonedFace } from './zonedTime';

export interface PostEvent {
  post: Post;
  title: string;
  start: Date;
  end: Date;
}

// The addon ships CommonJS only. In a "type": "module" package the bundler follows
// Node and hands over module.exports, whose `default` is the HOC; test runners that
// honour __esModule hand over the HOC itself.
const withDragAndDrop =
  (withDragAndDropExport as unknown as { default?: typeof withDragAndDropExport }).default ?? withDragAndDropExport;

const localizer = dateFnsLocalizer({ format, parse, startOfWeek, getDay, locales: { 'en-US': enUS } });
const DnDCalendar = withDragAndDrop<PostEvent>(Calendar);

// 24-hour times: the same reading in every locale, and what the composer's picker sends.
const FORMATS: Formats = {
  timeGutterFormat: 'HH:mm',
  eventTimeRangeFormat: ({ start }) => format(start, 'HH:mm'),
  agendaTimeFormat: 'HH:mm',
};

const VIEWS: CalendarView[] = ['month', 'week'];
const SLOT_MINUTES = 30;

function PostEventView({ event }: EventProps<PostEvent>) {
  const { post } = event;
  return (
    <span className="post-event__body" data-testid="calendar-post" data-post-id={post.id} data-platform={post.platform} data-status={post.status}>
      <span className={`status-mark status-mark--${post.status}`} aria-hidden="true" />
      <span className="post-event__time">{format(event.start, 'HH:mm')}</span>
      <span className="post-event__platform">{PLATFORM_LABELS[post.platform]}</span>
      <span className="post-event__status">{STATUS_LABELS[post.status]}</span>
      <span className="post-event__text">{post.text}</span>
    </span>
  );
}

const COMPONENTS = { event: PostEventView };

const eventProps = (event: PostEvent) => ({
  className: `post-event post-event--${event.post.platform} post-event--${event.post.status}`,
});

const tooltip = (event: PostEvent) =>
  `${PLATFORM_LABELS[event.post.platform]} · ${STATUS_LABELS[event.post.status]} · ${event.post.text.slice(0, 120)}`;

export function PostCalendar({ posts, timeZone }: { posts: Post[]; timeZone: string }) {
  const view = useCalendarStore((s) => s.view);
  const date = useCalendarStore((s) => s.date);
  const setView = useCalendarStore((s) => s.setView);
  const setDate = useCalendarStore((s) => s.setDate);
  const select = useCalendarStore((s) => s.select);
  const move = useCalendarStore((s) => s.move);

  const events = useMemo<PostEvent[]>(
    () =>
      posts.flatMap((post) => {
        const at = postTime(post);
        if (!at) return [];
        const start = toZonedFace(at, timeZone);
        return [{ post, title: post.text, start, end: new Date(start.getTime() + SLOT_MINUTES * 60_000) }];
      }),
    [posts, timeZone],
  );

  // "Today" and the now-line follow the brand's clock, not this machine's.
  const getNow = useCallback(() => toZonedFace(new Date(), timeZone), [timeZone]);

  const onDrop = useCallback(
    ({ event, start }: EventInteractionArgs<PostEvent>) => {
      const face = new Date(start);
      if (face.getTime() === event.start.getTime()) return;
      void move(event.post, face, timeZone);
    },
    [move, timeZone],
  );

  return (
    <div className="post-calendar" data-testid="post-calendar">
      <DnDCalendar
        localizer={localizer}
        culture="en-US"
        events={events}
        view={view}
        views={VIEWS}
        date={date}
        onView={(next: View) => setView(next === 'week' ? 'week' : 'month')}
        onNavigate={(next: Date) => setDate(next)}
        getNow={getNow}
        formats={FORMATS}
        components={COMPONENTS}
        eventPropGetter={eventProps}
        tooltipAccessor={tooltip}
        onSelectEvent={(event: PostEvent) => select(event.post.id)}
        onEventDrop={onDrop}
        draggableAccessor={() => true}
        resizable={false}
        popup
        step={SLOT_MINUTES}
        timeslots={2}
      />
    </div>
  );
}
