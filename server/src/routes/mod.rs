//! HTTP handlers. Each handler checks the caller, calls a service, and shapes the response;
//! the work itself happens in the services.

pub mod admin;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod health;
pub mod sync;

use actix_web::web;

/// Registers every route of the API.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .service(
            web::scope("/api/v1")
                .route("/auth/login", web::post().to(auth::login))
                .route("/auth/refresh", web::post().to(auth::refresh))
                .route("/auth/logout", web::post().to(auth::logout))
                .route("/me", web::get().to(auth::me))
                .route("/cases", web::get().to(cases::list))
                .route("/cases/{case_number}", web::get().to(cases::get))
                .route("/admin/devices", web::get().to(admin::list_devices))
                .route(
                    "/admin/devices/{device_id}/revoke",
                    web::post().to(admin::revoke_device),
                )
                .route("/admin/users", web::get().to(admin::list_users))
                .service(
                    web::resource("/sync")
                        .app_data(web::PayloadConfig::new(sync::MAX_SYNC_BODY_BYTES))
                        .route(web::post().to(sync::sync_documents)),
                )
                .route("/feed", web::get().to(sync::read_feed))
                .route("/calendar", web::get().to(calendar::status))
                .route("/calendar/deadline", web::get().to(calendar::deadline))
                .route("/admin/calendar", web::post().to(calendar::import))
                .route("/center/handovers/open", web::get().to(calendar::open_handovers))
                .route("/lists", web::get().to(sync::list_lists))
                .route("/lists/{list_id}", web::get().to(sync::get_list)),
        );
}
