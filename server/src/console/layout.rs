//! The frame of every console page: the header with the user and the menu, the stylesheet and
//! the script, all served by this server (court networks are closed, so nothing is fetched from
//! outside).

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use maud::{html, Markup, DOCTYPE};

use super::session::ConsoleUser;

/// Pages of the menu, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Handovers,
    Register,
    Overdue,
    Figures,
    Calendar,
}

impl Nav {
    const ALL: [Nav; 5] = [
        Nav::Handovers,
        Nav::Register,
        Nav::Overdue,
        Nav::Figures,
        Nav::Calendar,
    ];

    fn label(self) -> &'static str {
        match self {
            Nav::Handovers => "待接收",
            Nav::Register => "登记簿",
            Nav::Overdue => "逾期与日清日结",
            Nav::Figures => "统计",
            Nav::Calendar => "工作日历",
        }
    }

    fn href(self) -> &'static str {
        match self {
            Nav::Handovers => "/console/handovers",
            Nav::Register => "/console/register",
            Nav::Overdue => "/console/overdue",
            Nav::Figures => "/console/figures",
            Nav::Calendar => "/console/calendar",
        }
    }
}

/// A page with a status other than 200, for a form sent back with its errors.
pub trait WithStatus {
    fn customize_status(self, status: StatusCode) -> HttpResponse;
}

impl WithStatus for HttpResponse {
    fn customize_status(mut self, status: StatusCode) -> HttpResponse {
        *self.status_mut() = status;
        self
    }
}

/// Renders a page of the console for a logged-in user, with `active` marked in the menu.
pub fn page(user: &ConsoleUser, active: Nav, title: &str, body: Markup) -> HttpResponse {
    let header = html! {
        header.top {
            div.brand { "卷宗同步 · 网页控制台" }
            nav.menu aria-label="主菜单" {
                @for item in Nav::ALL {
                    @if item == active {
                        a.active href=(item.href()) aria-current="page" { (item.label()) }
                    } @else {
                        a href=(item.href()) { (item.label()) }
                    }
                }
            }
            div.who {
                span #current-user { (user.display_name) }
                span.roles { "（" (user.roles_label()) "）" }
                form.inline method="post" action="/console/logout" {
                    button.link type="submit" { "退出登录" }
                }
            }
        }
    };
    document(title, Some(header), body)
}

/// Renders a page without the menu: the login page and error pages.
pub fn bare_page(title: &str, body: Markup) -> HttpResponse {
    let header = html! {
        header.top {
            div.brand { "卷宗同步 · 网页控制台" }
        }
    };
    document(title, Some(header), body)
}

fn document(title: &str, header: Option<Markup>, body: Markup) -> HttpResponse {
    let markup = html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " - 卷宗同步" }
                link rel="stylesheet" href=(super::assets::STYLESHEET_PATH);
                script src=(super::assets::SCRIPT_PATH) defer {}
            }
            body {
                @if let Some(header) = header { (header) }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(markup.into_string())
}

/// Returns a 303 redirect, the response to a form that changed data.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}
