// The typed client of the public API, generated from /api/openapi.json: every call the
// console makes goes through it, with the session's token and the chosen language.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { session } from '../session/store';
import { currentLang } from '../i18n';

/** The one client of the console; the same one a mobile app would generate. */
export const api = createClient<paths>({ baseUrl: '/' });

const headers: Middleware = {
  onRequest({ request }) {
    request.headers.set('Accept-Language', currentLang());
    const token = session.accessToken();
    if (token && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${token}`);
    }
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/api/v1/auth/')) {
      session.expire();
    }
    return response;
  },
};
api.use(headers);
