//! The console's stylesheet and script, compiled into the binary.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// Path the stylesheet is served at.
pub const STYLESHEET_PATH: &str = "/console/static/console.css";
/// Path the script is served at.
pub const SCRIPT_PATH: &str = "/console/static/console.js";

const STYLESHEET: &str = include_str!("assets/console.css");
const SCRIPT: &str = include_str!("assets/console.js");

/// `GET /console/static/{file}`.
pub async fn serve(path: web::Path<String>) -> HttpResponse {
    let (content_type, body) = match path.as_str() {
        "console.css" => ("text/css; charset=utf-8", STYLESHEET),
        "console.js" => ("text/javascript; charset=utf-8", SCRIPT),
        _ => {
            return HttpResponse::NotFound()
                .content_type("text/plain; charset=utf-8")
                .body("没有这个文件。")
        }
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}
