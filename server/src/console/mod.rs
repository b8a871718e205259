//! The case-file center's web console (网页控制台) under `/console/`: pages in Chinese for the
//! intake clerk (卷宗管理中心接收岗), the manager (管理岗), the data manager (数据管理岗), the
//! director (执行局长) and the administrator.
//!
//! Pages are drawn on the server with a small script for the keyboard and printing. The
//! stylesheet and script are compiled into the binary and served from `/console/static/`, so the
//! console works on a closed network. Every page reads and writes through the same services as
//! the API, with the same role checks. The console's routes are HTML, not API, and are not part
//! of `openapi/openapi.json`.

pub mod assets;
pub mod charts;
pub mod error;
pub mod format;
pub mod layout;
pub mod pages;
pub mod session;

use actix_web::middleware::from_fn;
use actix_web::web;

use pages::{calendar, figures, files, handovers, login, overdue, register, supplement};

/// Every console route, as (HTTP method in lower case, path), for tests and the README.
pub const CONSOLE_ROUTES: &[(&str, &str)] = &[
    ("get", "/console"),
    ("get", "/console/"),
    ("get", "/console/static/{file}"),
    ("get", "/console/login"),
    ("post", "/console/login"),
    ("post", "/console/logout"),
    ("get", "/console/handovers"),
    ("get", "/console/handovers/{list_id}"),
    ("post", "/console/handovers/{list_id}"),
    ("get", "/console/register"),
    ("get", "/console/register/{entry_id}/receipt"),
    ("get", "/console/register/{entry_id}/supplement"),
    ("post", "/console/register/{entry_id}/supplement"),
    ("get", "/console/overdue"),
    ("get", "/console/figures"),
    ("get", "/console/figures/{name}.csv"),
    ("get", "/console/photos/{sha256}/thumbnail"),
    ("get", "/console/photos/{sha256}/working"),
    ("get", "/console/calendar"),
    ("post", "/console/calendar"),
];

/// Registers the console's routes under `/console`.
pub fn configure(config: &mut web::ServiceConfig) {
    config.route(
        "/console",
        web::get().to(|| async { layout::see_other("/console/") }),
    );
    config.service(
        web::scope("/console")
            .wrap(from_fn(session::session_cookies))
            .app_data(
                web::FormConfig::default()
                    .limit(FORM_LIMIT_BYTES)
                    .error_handler(error::form_error),
            )
            .default_service(web::to(error::page_not_found))
            .route(
                "/",
                web::get().to(|| async { layout::see_other("/console/handovers") }),
            )
            .route("/static/{file}", web::get().to(assets::serve))
            .route("/login", web::get().to(login::login_page))
            .route("/login", web::post().to(login::log_in))
            .route("/logout", web::post().to(login::log_out))
            .route("/handovers", web::get().to(handovers::waiting))
            .route("/handovers/{list_id}", web::get().to(handovers::check_page))
            .route(
                "/handovers/{list_id}",
                web::post().to(handovers::register_receipt),
            )
            .route("/register", web::get().to(register::search))
            .route(
                "/register/{entry_id}/receipt",
                web::get().to(register::receipt),
            )
            .route(
                "/register/{entry_id}/supplement",
                web::get().to(supplement::supplement_page),
            )
            .route(
                "/register/{entry_id}/supplement",
                web::post().to(supplement::register_supplement),
            )
            .route("/overdue", web::get().to(overdue::overdue_page))
            .route("/figures", web::get().to(figures::figures_page))
            .route(
                "/figures/{name:teams|days}.csv",
                web::get().to(files::figures_csv),
            )
            .route(
                "/photos/{sha256}/thumbnail",
                web::get().to(files::thumbnail),
            )
            .route(
                "/photos/{sha256}/working",
                web::get().to(files::working_image),
            )
            .route("/calendar", web::get().to(calendar::calendar_page))
            .route("/calendar", web::post().to(calendar::import)),
    );
}

/// Largest form the console accepts, in bytes: a calendar file or a check of a long list.
const FORM_LIMIT_BYTES: usize = 1024 * 1024;
