// Sign-in: a wrong password, throttling (429 with Retry-After) and other problems are
// shown in the person's language as the API words them.
import { useState } from 'react';
import { Alert, Button, Card, Form, Input } from 'antd';
import { api } from '../api/client';
import { problemText, type Problem } from '../api/problem';
import { session } from '../session/store';
import { fill, texts } from '../i18n';

/** The sign-in form. */
export function SignIn() {
  const t = texts();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const onFinish = async (values: { login: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    const {
      data,
      error: problem,
      response,
    } = await api.POST('/api/v1/auth/login', {
      body: values,
    });
    setBusy(false);
    if (data) {
      session.start(data);
    } else if (response.status === 429) {
      setError(fill(t.throttled, { s: response.headers.get('Retry-After') ?? '60' }));
    } else {
      setError(problemText(problem as Problem, t.error));
    }
  };
  return (
    <Card title={`${t.app} — ${t.signIn}`}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={(v) => void onFinish(v)}>
        <Form.Item name="login" label={t.login} rules={[{ required: true }]}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t.password} rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t.signIn}
        </Button>
      </Form>
    </Card>
  );
}
