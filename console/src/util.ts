// Small helpers every screen shares: the two languages inline, dates as dd/mm/yyyy, money
// as "9.300.000 đ", downloads of the API's files, and a problem (412 included) explained.
import dayjs from 'dayjs';
import { currentLang } from './i18n';
import { problemText, type Problem } from './api/problem';

/** The text in the language in use: screens added later keep both languages side by side. */
export const L = (vi: string, en: string): string => (currentLang() === 'en' ? en : vi);

/** A date (or date-time) as people write it in Vietnam: dd/mm/yyyy; "—" when absent. */
export function fmtDate(value: string | null | undefined): string {
  if (!value) return '—';
  return dayjs(value).format('DD/MM/YYYY');
}

/** A date-time as dd/mm/yyyy HH:mm. */
export function fmtDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  return dayjs(value).format('DD/MM/YYYY HH:mm');
}

/** An amount in đồng as "9.300.000 đ" (dots between thousands, whatever the language). */
export function fmtMoney(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const sign = value < 0 ? '-' : '';
  const digits = String(Math.abs(Math.round(value))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}${digits} đ`;
}

/** Points with a comma for decimals in Vietnamese (17,75) and a dot in English. */
export function fmtPoints(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const s = String(Math.round(value * 100) / 100);
  return currentLang() === 'en' ? s : s.replace('.', ',');
}

/** The If-Match of a view: services send `"<version>"` as its ETag. */
export const ifMatch = (version: number): string => `"${version}"`;

/** Saves a downloaded file under `name` (the browser's own download). */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** What to tell about a failed call: a 412 says someone else changed it and it was reloaded. */
export function failure(error: unknown, status: number | undefined): string {
  if (status === 412) {
    return L(
      'Người khác vừa thay đổi mục này; đã tải lại phiên bản hiện tại, vui lòng làm lại.',
      'Someone else changed this meanwhile; the current version was reloaded, please try again.',
    );
  }
  return problemText(error as Problem, L('Có lỗi xảy ra', 'Something went wrong'));
}
