// How the demo prints a duration (the ETA of its progress lines): rounded to whole seconds first,
// so 59.6 s is 1m00s, never 0m60s.

const pad = (n) => String(n).padStart(2, '0');

/** `4m02s`, `1h05m00s`; `?` for a duration that is not a finite number >= 0 (no step timed yet). */
export function formatDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '?';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${pad(m)}m${pad(s)}s` : `${m}m${pad(s)}s`;
}
