// The signed-in session: tokens kept for the tab (sessionStorage), refreshed quietly before
// the access token expires, and a listener told when the session ends or expires.

interface Tokens {
  access_token: string;
  refresh_token?: string | null;
  expires_in: number;
}

type Listener = (reason: 'signed_in' | 'signed_out' | 'expired') => void;

const KEY = 'sangkien.session';
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<Listener>();
let refresher: ((refreshToken: string) => Promise<Tokens | undefined>) | undefined;

function read(): Tokens | undefined {
  const raw = sessionStorage.getItem(KEY);
  return raw ? (JSON.parse(raw) as Tokens) : undefined;
}

function schedule(tokens: Tokens) {
  clearTimeout(timer);
  const ms = Math.max(5, tokens.expires_in - 60) * 1000;
  timer = setTimeout(() => void refreshNow(), ms);
}

async function refreshNow() {
  const tokens = read();
  if (!tokens?.refresh_token || !refresher) return;
  const next = await refresher(tokens.refresh_token);
  if (next) {
    sessionStorage.setItem(KEY, JSON.stringify(next));
    schedule(next);
  } else {
    session.expire();
  }
}

/** The session, shared by the client middleware and the React tree. */
export const session = {
  accessToken: () => read()?.access_token,
  refreshToken: () => read()?.refresh_token ?? undefined,
  /** Called with the refresh call once the client exists (it would be a cycle otherwise). */
  setRefresher(fn: (refreshToken: string) => Promise<Tokens | undefined>) {
    refresher = fn;
    const tokens = read();
    if (tokens) schedule({ ...tokens, expires_in: 60 });
  },
  start(tokens: Tokens) {
    sessionStorage.setItem(KEY, JSON.stringify(tokens));
    schedule(tokens);
    listeners.forEach((l) => l('signed_in'));
  },
  end() {
    clearTimeout(timer);
    sessionStorage.removeItem(KEY);
    listeners.forEach((l) => l('signed_out'));
  },
  expire() {
    if (!read()) return;
    clearTimeout(timer);
    sessionStorage.removeItem(KEY);
    listeners.forEach((l) => l('expired'));
  },
  subscribe(l: Listener) {
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  },
};
