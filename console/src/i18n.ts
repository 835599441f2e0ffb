// The console's texts in Vietnamese (the default) and English; the chosen language is also
// sent to the API as `Accept-Language`, so problems come back in the same language.

export type Lang = 'vi' | 'en';

const vi = {
  app: 'Sáng kiến',
  signIn: 'Đăng nhập',
  login: 'Tên đăng nhập hoặc e-mail',
  password: 'Mật khẩu',
  signOut: 'Đăng xuất',
  changePassword: 'Đổi mật khẩu',
  currentPassword: 'Mật khẩu hiện tại',
  newPassword: 'Mật khẩu mới (ít nhất 10 ký tự)',
  passwordChanged: 'Đã đổi mật khẩu',
  expired: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.',
  throttled: 'Bạn đã thử quá nhiều lần. Vui lòng thử lại sau {s} giây.',
  myDossiers: 'Hồ sơ của tôi',
  newDossier: 'Tạo hồ sơ',
  toConfirm: 'Chờ xác nhận',
  toRegister: 'Tiếp nhận hồ sơ',
  name: 'Tên sáng kiến',
  status: 'Trạng thái',
  field: 'Lĩnh vực',
  plan: 'Kế hoạch',
  authors: 'Tác giả',
  updated: 'Cập nhật',
  search: 'Tìm kiếm (không cần dấu)',
  allStatuses: 'Mọi trạng thái',
  more: 'Xem thêm',
  empty: 'Chưa có hồ sơ nào',
  open: 'Mở',
  save: 'Lưu',
  saved: 'Đã lưu',
  submit: 'Nộp hồ sơ',
  submitted: 'Đã nộp hồ sơ',
  confirm: 'Xác nhận',
  confirmed: 'Đã xác nhận',
  returnIt: 'Trả lại',
  reason: 'Lý do',
  register: 'Tiếp nhận',
  registered: 'Đã tiếp nhận',
  kind: 'Loại sáng kiến',
  applicationArea: 'Lĩnh vực áp dụng',
  firstAppliedOn: 'Ngày áp dụng lần đầu',
  essence: 'Mô tả bản chất',
  conditions: 'Điều kiện cần thiết để áp dụng',
  appliedWhere: 'Nơi đã áp dụng và kết quả',
  benefitsByAuthor: 'Lợi ích theo đánh giá của tác giả',
  benefitsByParticipants: 'Lợi ích theo đánh giá của người tham gia áp dụng',
  investor: 'Chủ đầu tư tạo ra sáng kiến',
  confidential: 'Thông tin cần bảo mật',
  declaration: 'Tôi cam đoan mọi thông tin nêu trong đơn là trung thực, đúng sự thật',
  fullName: 'Họ và tên',
  dateOfBirth: 'Ngày sinh',
  workplace: 'Nơi công tác',
  title: 'Chức danh',
  qualification: 'Trình độ chuyên môn',
  share: 'Tỷ lệ đóng góp (%)',
  addAuthor: 'Thêm đồng tác giả',
  sharesTotal: 'Tổng tỷ lệ đóng góp: {n}% (phải bằng 100%)',
  attachments: 'Tệp đính kèm',
  upload: 'Tải tệp lên',
  uploadHint: 'Báo cáo mô tả sáng kiến (PDF, DOCX, XLSX, ảnh)',
  uploaded: 'Đã tải lên',
  saveFirst: 'Lưu hồ sơ trước khi đính kèm tệp',
  lastReason: 'Lý do gần nhất',
  correctionDue: 'Hạn bổ sung',
  receipt: 'Phiếu tiếp nhận',
  back: 'Quay lại',
  error: 'Có lỗi xảy ra',
  roles: 'Vai trò',
  kinds: {
    technical: 'Giải pháp kỹ thuật',
    management: 'Giải pháp quản lý',
    operational: 'Giải pháp tác nghiệp',
    technical_progress: 'Ứng dụng tiến bộ kỹ thuật',
  },
};

type Texts = typeof vi;

const en: Texts = {
  app: 'Initiatives',
  signIn: 'Sign in',
  login: 'User name or e-mail',
  password: 'Password',
  signOut: 'Sign out',
  changePassword: 'Change password',
  currentPassword: 'Current password',
  newPassword: 'New password (at least 10 characters)',
  passwordChanged: 'Password changed',
  expired: 'Your session has expired; please sign in again.',
  throttled: 'Too many attempts. Please try again in {s} seconds.',
  myDossiers: 'My dossiers',
  newDossier: 'New dossier',
  toConfirm: 'Waiting for my confirmation',
  toRegister: 'Receive dossiers',
  name: 'Initiative name',
  status: 'Status',
  field: 'Field',
  plan: 'Plan',
  authors: 'Authors',
  updated: 'Updated',
  search: 'Search (diacritics optional)',
  allStatuses: 'All statuses',
  more: 'Load more',
  empty: 'No dossiers yet',
  open: 'Open',
  save: 'Save',
  saved: 'Saved',
  submit: 'Submit',
  submitted: 'Submitted',
  confirm: 'Confirm',
  confirmed: 'Confirmed',
  returnIt: 'Return',
  reason: 'Reason',
  register: 'Register',
  registered: 'Registered',
  kind: 'Kind of initiative',
  applicationArea: 'Field of application',
  firstAppliedOn: 'First applied on',
  essence: 'Essence',
  conditions: 'Conditions needed to apply it',
  appliedWhere: 'Where applied and with what result',
  benefitsByAuthor: 'Benefit as the author assesses it',
  benefitsByParticipants: 'Benefit as the participants assess it',
  investor: 'Investor',
  confidential: 'Confidential information',
  declaration: 'I declare that everything in this request is true',
  fullName: 'Full name',
  dateOfBirth: 'Date of birth',
  workplace: 'Workplace',
  title: 'Title',
  qualification: 'Qualification',
  share: 'Share (%)',
  addAuthor: 'Add a co-author',
  sharesTotal: 'Shares total: {n}% (must be 100%)',
  attachments: 'Attachments',
  upload: 'Upload a file',
  uploadHint: 'The description report (PDF, DOCX, XLSX, images)',
  uploaded: 'Uploaded',
  saveFirst: 'Save the dossier before attaching files',
  lastReason: 'Last reason',
  correctionDue: 'Correction due',
  receipt: 'Receipt',
  back: 'Back',
  error: 'Something went wrong',
  roles: 'Roles',
  kinds: {
    technical: 'Technical solution',
    management: 'Management solution',
    operational: 'Operational solution',
    technical_progress: 'Application of technical progress',
  },
};

let lang: Lang = localStorage.getItem('sangkien.lang') === 'en' ? 'en' : 'vi';

/** The language in use, as sent in `Accept-Language`. */
export const currentLang = (): Lang => lang;

/** Switches the language (kept for the next visit). */
export function setLang(next: Lang) {
  lang = next;
  localStorage.setItem('sangkien.lang', next);
}

/** The texts of the language in use. */
export const texts = (): Texts => (lang === 'en' ? en : vi);

/** A dossier's status as people read it, per language (the API's codes are for programs). */
const STATUS_LABELS: Record<Lang, Record<string, string>> = {
  vi: {
    draft: 'Bản nháp',
    submitted: 'Chờ thủ trưởng đơn vị xác nhận',
    returned: 'Bị trả lại để chỉnh sửa',
    confirmed: 'Chờ cơ quan tiếp nhận',
    correction_requested: 'Yêu cầu bổ sung, sửa đổi',
    received: 'Đã tiếp nhận',
    in_appraisal: 'Đang thẩm định',
    concluded: 'Đã có kết luận',
    recognised: 'Được công nhận',
    refused: 'Không được công nhận',
    withdrawn: 'Đã rút hồ sơ',
  },
  en: {
    draft: 'Draft',
    submitted: 'Awaiting the unit head',
    returned: 'Returned for changes',
    confirmed: 'Awaiting the receiving office',
    correction_requested: 'Correction requested',
    received: 'Received',
    in_appraisal: 'In appraisal',
    concluded: 'Concluded',
    recognised: 'Recognised',
    refused: 'Not recognised',
    withdrawn: 'Withdrawn',
  },
};

/** The label of status `code` in the language in use (the code itself if unknown). */
export const statusLabel = (code: string): string => STATUS_LABELS[lang][code] ?? code;

/** Fills `{name}` placeholders. */
export const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
