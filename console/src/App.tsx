// The shell: language, sign-in gate, the menu by the person's roles, and the routes.
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  ConfigProvider,
  Layout,
  Menu,
  Space,
  Spin,
  Typography,
} from 'antd';
import viVN from 'antd/locale/vi_VN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/vi';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { api } from './api/client';
import type { components } from './api/schema';
import { session } from './session/store';
import { currentLang, setLang, texts, type Lang } from './i18n';
import { SignIn } from './pages/SignIn';
import { ChangePassword } from './pages/ChangePassword';
import { DossierList } from './pages/DossierList';
import { DossierForm } from './pages/DossierForm';
import { L } from './util';

// The organisers' screens load on demand: an author's first page stays small.
const Appraisal = lazy(() => import('./pages/Appraisal').then((m) => ({ default: m.Appraisal })));
const CaseSheet = lazy(() => import('./pages/CaseSheet').then((m) => ({ default: m.CaseSheet })));
const ReviewerHome = lazy(() =>
  import('./pages/Reviewer').then((m) => ({ default: m.ReviewerHome })),
);
const Sittings = lazy(() => import('./pages/Sittings').then((m) => ({ default: m.Sittings })));
const SittingPage = lazy(() =>
  import('./pages/Sittings').then((m) => ({ default: m.SittingPage })),
);
const Decisions = lazy(() => import('./pages/Decisions').then((m) => ({ default: m.Decisions })));
const ToSign = lazy(() => import('./pages/Decisions').then((m) => ({ default: m.ToSign })));
const DecisionPage = lazy(() =>
  import('./pages/Decisions').then((m) => ({ default: m.DecisionPage })),
);
const CertificatesPage = lazy(() =>
  import('./pages/Decisions').then((m) => ({ default: m.CertificatesPage })),
);
const MySittings = lazy(() =>
  import('./pages/MySittings').then((m) => ({ default: m.MySittings })),
);
const DossierRead = lazy(() =>
  import('./pages/MySittings').then((m) => ({ default: m.DossierRead })),
);
const Budget = lazy(() => import('./pages/Budget').then((m) => ({ default: m.Budget })));
const Admin = lazy(() => import('./pages/Admin').then((m) => ({ default: m.Admin })));
const Dashboard = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.Dashboard })));

type Me = components['schemas']['UserView'];
type Role = components['schemas']['Role'];

session.setRefresher(async (refresh_token) => {
  const { data } = await api.POST('/api/v1/auth/refresh', { body: { refresh_token } });
  return data;
});

/** The menu entries each role brings. */
function menuFor(roles: Set<Role>) {
  const t = texts();
  const items: { key: string; label: string }[] = [];
  if (roles.has('author')) {
    items.push(
      { key: '/dossiers', label: t.myDossiers },
      { key: '/dossiers/new', label: t.newDossier },
    );
  }
  if (roles.has('unit_head')) items.push({ key: '/confirm', label: t.toConfirm });
  if (roles.has('receiving_office')) items.push({ key: '/register', label: t.toRegister });
  if (roles.has('receiving_office') || roles.has('council_secretariat'))
    items.push({ key: '/dashboard', label: L('Thống kê', 'Dashboard') });
  if (
    roles.has('receiving_office') ||
    roles.has('council_secretariat') ||
    roles.has('council_chair')
  )
    items.push({ key: '/appraisal', label: L('Thẩm định', 'Appraisal') });
  if (roles.has('reviewer') || roles.has('council_chair'))
    items.push(
      { key: '/review', label: L('Chấm điểm', 'Scoring') },
      { key: '/my-sittings', label: L('Phiên họp của tôi', 'My sittings') },
    );
  if (roles.has('council_secretariat') || roles.has('council_chair'))
    items.push({ key: '/sittings', label: L('Phiên họp', 'Sittings') });
  if (roles.has('council_secretariat'))
    items.push({ key: '/decisions', label: L('Quyết định', 'Decisions') });
  if (roles.has('signer')) items.push({ key: '/to-sign', label: L('Chờ ký', 'To sign') });
  if (roles.has('finance_office') || roles.has('council_secretariat'))
    items.push({ key: '/budget', label: L('Kinh phí', 'Budget') });
  if (roles.has('admin')) items.push({ key: '/admin', label: L('Quản trị', 'Administration') });
  items.push({ key: '/password', label: t.changePassword });
  return items;
}

function home(roles: Set<Role>) {
  if (roles.has('author')) return '/dossiers';
  if (roles.has('unit_head')) return '/confirm';
  if (roles.has('receiving_office')) return '/register';
  if (roles.has('council_secretariat')) return '/sittings';
  if (roles.has('signer')) return '/to-sign';
  if (roles.has('finance_office')) return '/budget';
  if (roles.has('reviewer') || roles.has('council_chair')) return '/review';
  if (roles.has('admin')) return '/admin';
  return '/password';
}

/** The application. */
export function App() {
  const [lang, setLangState] = useState<Lang>(currentLang());
  const [me, setMe] = useState<Me | undefined>();
  const [loading, setLoading] = useState<boolean>(!!session.accessToken());
  const [notice, setNotice] = useState<string | undefined>();
  const navigate = useNavigate();
  const location = useLocation();

  const loadMe = useCallback(async () => {
    setLoading(true);
    const { data } = await api.GET('/api/v1/auth/me');
    setMe(data);
    setLoading(false);
  }, []);

  useEffect(() => {
    if (session.accessToken()) void loadMe();
    return session.subscribe((reason) => {
      if (reason === 'signed_in') {
        setNotice(undefined);
        void loadMe();
      } else {
        setMe(undefined);
        setNotice(reason === 'expired' ? texts().expired : undefined);
      }
    });
  }, [loadMe]);

  const switchLang = (next: Lang) => {
    setLang(next);
    dayjs.locale(next === 'vi' ? 'vi' : 'en');
    setLangState(next);
  };
  const t = texts();
  const roles = new Set<Role>((me?.grants ?? []).map((g) => g.role));

  const signOut = async () => {
    const refresh_token = session.refreshToken();
    if (refresh_token) await api.POST('/api/v1/auth/logout', { body: { refresh_token } });
    session.end();
    navigate('/');
  };

  const langButton = (
    <Button size="small" onClick={() => switchLang(lang === 'vi' ? 'en' : 'vi')}>
      {lang === 'vi' ? 'English' : 'Tiếng Việt'}
    </Button>
  );

  let body;
  if (loading) {
    body = <Spin style={{ margin: 48 }} />;
  } else if (!me) {
    body = (
      <div style={{ maxWidth: 380, margin: '48px auto' }}>
        {notice && <Alert type="warning" showIcon message={notice} style={{ marginBottom: 16 }} />}
        <SignIn key={lang} />
        <div style={{ textAlign: 'right', marginTop: 12 }}>{langButton}</div>
      </div>
    );
  } else {
    const items = menuFor(roles);
    body = (
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16 }}>
          <Typography.Text style={{ color: '#fff', fontWeight: 600 }}>{t.app}</Typography.Text>
          <Menu
            theme="dark"
            mode="horizontal"
            style={{ flex: 1, minWidth: 0 }}
            selectedKeys={[location.pathname]}
            items={items}
            onClick={(e) => navigate(e.key)}
          />
          <Space>
            <Typography.Text style={{ color: '#fff' }}>{me.full_name}</Typography.Text>
            {langButton}
            <Button size="small" onClick={() => void signOut()}>
              {t.signOut}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<Spin style={{ margin: 48 }} />}>
            <Routes>
              <Route path="/" element={<Navigate to={home(roles)} replace />} />
              <Route path="/dossiers" element={<DossierList key={lang} mode="author" />} />
              <Route path="/dossiers/new" element={<DossierForm key={lang} />} />
              <Route path="/dossiers/:id" element={<DossierForm key={lang} />} />
              <Route path="/confirm" element={<DossierList key={lang} mode="unit_head" />} />
              <Route path="/register" element={<DossierList key={lang} mode="office" />} />
              <Route path="/password" element={<ChangePassword key={lang} />} />
              <Route path="/dashboard" element={<Dashboard key={lang} />} />
              <Route path="/appraisal" element={<Appraisal key={lang} />} />
              <Route path="/review" element={<ReviewerHome key={lang} />} />
              <Route
                path="/cases/:id"
                element={
                  <CaseSheet
                    key={lang}
                    me={me.id}
                    scorer={roles.has('reviewer') || roles.has('council_chair')}
                  />
                }
              />
              <Route path="/my-sittings" element={<MySittings key={lang} />} />
              <Route path="/read/:id" element={<DossierRead key={lang} />} />
              <Route path="/sittings" element={<Sittings key={lang} />} />
              <Route path="/sittings/:id" element={<SittingPage key={lang} />} />
              <Route path="/decisions" element={<Decisions key={lang} />} />
              <Route path="/to-sign" element={<ToSign key={lang} />} />
              <Route
                path="/decisions/:id"
                element={<DecisionPage key={lang} signer={roles.has('signer')} />}
              />
              <Route path="/certificates/:id" element={<CertificatesPage key={lang} />} />
              <Route
                path="/budget"
                element={
                  <Budget
                    key={lang}
                    finance={roles.has('finance_office')}
                    secretariat={roles.has('council_secretariat')}
                  />
                }
              />
              <Route path="/admin" element={<Admin key={lang} />} />
              <Route path="*" element={<Navigate to={home(roles)} replace />} />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
    );
  }

  return (
    <ConfigProvider locale={lang === 'vi' ? viVN : enUS}>
      <AntApp>{body}</AntApp>
    </ConfigProvider>
  );
}
