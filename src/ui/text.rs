//! Every string the pages show, in one place, so another language can be added later.

pub const APP_NAME: &str = "ShopBridge";
pub const APP_TAGLINE: &str = "跨境电商后台";

pub const NAV_HOME: &str = "概览";
pub const NAV_PLATFORMS: &str = "平台";
pub const NAV_SHOPS: &str = "店铺";
pub const NAV_PRODUCTS: &str = "商品";
pub const NAV_PROMOTIONS: &str = "推广";
pub const NAV_OZON_CREDENTIALS: &str = "Ozon 凭证";
pub const NAV_OZON_IMAGES: &str = "Ozon 图片下载";
pub const NAV_OZON_LISTING: &str = "Ozon 上架";
pub const NAV_USERS: &str = "用户";
pub const NAV_AUDIT: &str = "审计日志";
pub const NAV_ACCOUNT: &str = "修改密码";
pub const NAV_SECTION_MARKETS: &str = "电商";
pub const NAV_SECTION_OZON: &str = "Ozon";
pub const NAV_SECTION_ADMIN: &str = "管理";

pub const LOGIN_TITLE: &str = "登录";
pub const LOGIN_SUBTITLE: &str = "使用管理员分配的账号登录";
pub const LOGIN_USERNAME: &str = "用户名";
pub const LOGIN_PASSWORD: &str = "密码";
pub const LOGIN_SUBMIT: &str = "登录";
pub const LOGIN_PENDING: &str = "正在登录…";
pub const LOGOUT: &str = "退出";

pub const ROLE_ADMIN: &str = "管理员";
pub const ROLE_STAFF: &str = "员工";
pub const STATUS_ACTIVE: &str = "正常";
pub const STATUS_DISABLED: &str = "已停用";

pub const NOT_YET_OPEN: &str = "尚未开放";
pub const FORBIDDEN_TITLE: &str = "无权访问";
pub const FORBIDDEN_HINT: &str = "此页面仅限管理员使用。如需访问，请联系管理员。";
pub const NOT_FOUND_TITLE: &str = "页面不存在";
pub const LOADING: &str = "加载中…";

pub const HOME_TITLE: &str = "概览";
pub const HOME_WELCOME: &str = "欢迎回来";
pub const HOME_CAPABILITIES: &str = "功能一览";
pub const CAP_OPEN: &str = "已开放";

pub const USERS_TITLE: &str = "用户";
pub const USERS_SUBTITLE: &str = "管理员工账号：添加、停用和重置密码";
pub const USERS_ADD: &str = "添加用户";
pub const USERS_NAME: &str = "用户名";
pub const USERS_DISPLAY_NAME: &str = "显示名称";
pub const USERS_ROLE: &str = "角色";
pub const USERS_STATUS: &str = "状态";
pub const USERS_CREATED: &str = "创建时间";
pub const USERS_ACTIONS: &str = "操作";
pub const USERS_PASSWORD: &str = "初始密码（至少 10 个字符）";
pub const USERS_DISABLE: &str = "停用";
pub const USERS_ENABLE: &str = "启用";
pub const USERS_RESET: &str = "重置密码";
pub const USERS_NEW_PASSWORD: &str = "新密码";
pub const USERS_EMPTY: &str = "还没有用户";

pub const ACCOUNT_TITLE: &str = "修改密码";
pub const ACCOUNT_CURRENT: &str = "当前密码";
pub const ACCOUNT_NEW: &str = "新密码（至少 10 个字符）";
pub const ACCOUNT_SUBMIT: &str = "保存新密码";

pub const AUDIT_TITLE: &str = "审计日志";
pub const AUDIT_SUBTITLE: &str = "登录、账号、凭证和密钥的变更记录（最近 500 条）";
pub const AUDIT_TIME: &str = "时间";
pub const AUDIT_ACTOR: &str = "操作人";
pub const AUDIT_ACTION: &str = "动作";
pub const AUDIT_TARGET: &str = "对象";
pub const AUDIT_DETAIL: &str = "详情";
pub const AUDIT_IP: &str = "IP";
pub const AUDIT_ALL: &str = "全部动作";
pub const AUDIT_EMPTY: &str = "暂无记录";

/// Audit actions as stored, with their labels.
pub const AUDIT_ACTIONS: &[(&str, &str)] = &[
    ("login_success", "登录成功"),
    ("login_failure", "登录失败"),
    ("login_throttled", "登录被限制"),
    ("user_add", "添加用户"),
    ("user_disable", "停用用户"),
    ("user_enable", "启用用户"),
    ("password_reset", "重置密码"),
    ("password_change", "修改密码"),
    ("ozon_credential_add", "添加 Ozon 凭证"),
    ("ozon_credential_update", "修改 Ozon 凭证"),
    ("ozon_credential_delete", "删除 Ozon 凭证"),
    ("ozon_credential_test", "测试 Ozon 凭证"),
    ("platform_app_update", "修改平台应用"),
    ("api_key_create", "创建 API 密钥"),
    ("api_key_revoke", "吊销 API 密钥"),
    ("key_rotate", "轮换主密钥"),
    ("listing_import", "导入商品表格"),
    ("cloudinary_update", "修改 Cloudinary 设置"),
];

/// The label of an audit action; unknown actions show as stored.
pub fn audit_action_label(action: &str) -> &str {
    AUDIT_ACTIONS
        .iter()
        .find(|(key, _)| *key == action)
        .map(|(_, label)| *label)
        .unwrap_or(action)
}

pub const NAV_PLATFORM_APPS: &str = "平台应用";
pub const NAV_API_KEYS: &str = "API 密钥";

pub const CRED_TITLE: &str = "Ozon 凭证";
pub const CRED_SUBTITLE: &str =
    "Ozon 卖家后台的 Client-Id 与 Api-Key。密钥加密保存，只显示末 4 位。";
pub const CRED_STAFF_SUBTITLE: &str = "可用的 Ozon 凭证。需要时按名称选择，密钥由服务器保管。";
pub const CRED_NAME: &str = "名称";
pub const CRED_CLIENT_ID: &str = "Client-Id";
pub const CRED_API_KEY: &str = "Api-Key";
pub const CRED_EXPIRES: &str = "密钥到期";
pub const CRED_LAST_CHECK: &str = "最近检测";
pub const CRED_ACTIONS: &str = "操作";
pub const CRED_ADD: &str = "添加凭证";
pub const CRED_EDIT: &str = "编辑";
pub const CRED_SAVE: &str = "保存";
pub const CRED_CANCEL: &str = "取消";
pub const CRED_DELETE: &str = "删除";
pub const CRED_CONFIRM_DELETE: &str = "确认删除";
pub const CRED_TEST: &str = "测试连接";
pub const CRED_KEEP_KEY: &str = "留空则保留原密钥";
pub const CRED_EMPTY: &str = "还没有凭证";
pub const CRED_NOT_CHECKED: &str = "未检测";
pub const CRED_EXPIRED: &str = "已过期";
pub const CRED_EDITING: &str = "编辑凭证";

pub const APPS_TITLE: &str = "平台应用";
pub const APPS_SUBTITLE: &str =
    "各平台开放应用的凭据。密钥加密保存，只显示末 4 位；留空则保留原密钥。";
pub const APPS_ENABLED: &str = "启用";
pub const APPS_NOT_INTEGRATED: &str = "尚未接入";
pub const APPS_SECRET_SAVED: &str = "已保存";
pub const APPS_SECRET_NONE: &str = "未设置";

pub const KEYS_TITLE: &str = "API 密钥";
pub const KEYS_SUBTITLE: &str = "供其他系统调用 REST API（请求头 X-API-Key）。新密钥只显示一次。";
pub const KEYS_NAME: &str = "名称";
pub const KEYS_PREFIX: &str = "前缀";
pub const KEYS_CREATOR: &str = "创建人";
pub const KEYS_CREATED: &str = "创建时间";
pub const KEYS_LAST_USED: &str = "最近使用";
pub const KEYS_CREATE: &str = "创建密钥";
pub const KEYS_REVOKE: &str = "吊销";
pub const KEYS_REVOKED: &str = "已吊销";
pub const KEYS_ACTIVE: &str = "有效";
pub const KEYS_ONCE: &str = "请立即复制保存，此密钥不会再次显示：";
pub const KEYS_EMPTY: &str = "还没有 API 密钥";
pub const NEVER: &str = "从未";

pub const IMG_TITLE: &str = "Ozon 图片下载";
pub const IMG_SUBTITLE: &str =
    "按货号把 Ozon 商品的全部图片保存到对象存储。每次下载都会记录为任务，可随时查看进度和结果。";
pub const IMG_NEW: &str = "新建下载任务";
pub const IMG_CREDENTIAL: &str = "Ozon 凭证";
pub const IMG_NO_CREDENTIAL: &str = "还没有 Ozon 凭证，请管理员先在“Ozon 凭证”页添加。";
pub const IMG_ARTICLES: &str = "货号（每行一个，最多 100 个）";
pub const IMG_ARTICLES_PLACEHOLDER: &str = "SB-001\nSB-002";
pub const IMG_FILE: &str = "或上传 CSV / XLSX（取第一列）";
pub const IMG_FIELD: &str = "查询字段";
pub const IMG_FIELD_OFFER: &str = "offer_id（货号）";
pub const IMG_FIELD_SKU: &str = "SKU";
pub const IMG_FIELD_VENDOR: &str = "vendor_code（按货号查询）";
pub const IMG_PROCESSING: &str = "图片处理（可选）";
pub const IMG_FORMAT: &str = "输出格式";
pub const IMG_FORMAT_KEEP: &str = "保持原图";
pub const IMG_MAX_SIDE: &str = "最长边（像素，留空不缩放）";
pub const IMG_QUALITY: &str = "JPEG 质量（1–100）";
pub const IMG_PAD: &str = "补白为 3:4（Ozon 推荐比例）";
pub const IMG_REMOVE_BG: &str = "去除白色/纯色背景（按颜色从边缘填充，非 AI；输出 PNG）";
pub const IMG_TOLERANCE: &str = "背景颜色容差（0–255）";
pub const IMG_START: &str = "开始下载";
pub const IMG_HISTORY: &str = "任务记录";
pub const IMG_HISTORY_EMPTY: &str = "还没有下载任务";
pub const IMG_TASK: &str = "任务";
pub const IMG_WHO: &str = "发起人";
pub const IMG_WHEN: &str = "时间";
pub const IMG_STATUS: &str = "状态";
pub const IMG_COUNT_ARTICLES: &str = "货号数";
pub const IMG_COUNT_IMAGES: &str = "成功 / 图片";
pub const IMG_OPEN: &str = "查看";
pub const IMG_BACK: &str = "返回图片下载";
pub const IMG_PROGRESS: &str = "总进度";
pub const IMG_WAITING: &str = "正在查找商品…";
pub const IMG_RESULTS: &str = "结果";
pub const IMG_FAILED_LIST: &str = "失败的图片";
pub const IMG_COPY_URLS: &str = "复制全部链接";
pub const IMG_COPIED: &str = "已复制链接";
pub const IMG_ZIP: &str = "打包下载 ZIP";
pub const IMG_RETRY: &str = "重试失败项";
pub const IMG_CONTINUE: &str = "继续";
pub const IMG_ARTICLE: &str = "货号";
pub const IMG_ITEM_RUNNING: &str = "下载中";
pub const IMG_ITEM_DONE: &str = "完成";
pub const IMG_ITEM_FAILED: &str = "失败";

pub const LST_TITLE: &str = "Ozon 上架 · 商品草稿";
pub const LST_SUBTITLE: &str =
    "按类目缓存生成属性表单，保存时逐项检查（必填属性、字典值、条码、尺寸重量、价格、图片），提交前就把问题找出来。";
pub const LST_DRAFTS: &str = "草稿";
pub const LST_NEW: &str = "新建草稿";
pub const LST_EMPTY: &str = "还没有草稿";
pub const LST_EDITOR: &str = "编辑商品草稿";
pub const LST_BACK: &str = "返回草稿列表";
pub const LST_CATEGORY: &str = "类目与类型";
pub const LST_ATTRIBUTES: &str = "属性（* 为必填）";
pub const LST_IMAGES: &str = "图片（第一张为主图）";
pub const LST_SAVE: &str = "保存草稿";
pub const LST_CLEAN: &str = "已保存，检查全部通过";
pub const LST_SHEETS: &str = "表格导入导出";
pub const LST_SHEETS_HINT: &str = "选择类型下载模板（含字典值与填写说明），填好后上传 CSV 或 XLSX：每行按货号新建或更新草稿，有问题的行也会保存并列出问题，无法成为草稿的行会说明原因。上传的文件都会保留，可下载修改后重新上传。";
pub const LST_CACHE: &str = "类目缓存（管理员）";
pub const LST_CACHE_HINT: &str =
    "类目树、属性和字典值按店铺账号缓存，每天自动刷新；刷新会对比新旧内容，新必填属性会标记受影响的草稿。";
pub const LST_REFRESH: &str = "立即刷新类目缓存";
