using System.Text;
using System.Text.Encodings.Web;

namespace Neocloud.Server.Identity;

/// <summary>
/// The development identity provider's sign-in page: one button per demo person and a username + password form, each
/// posting back to the authorization endpoint with the original OpenID Connect parameters as hidden fields. Plain HTML,
/// no scripts and no external assets; every value is HTML-encoded.
/// </summary>
internal static class SignInPage
{
    /// <summary>The form field of a person's button (its value is the username).</summary>
    public const string PersonField = "person";

    /// <summary>The form field of the typed username.</summary>
    public const string UsernameField = "username";

    /// <summary>The form field of the typed password.</summary>
    public const string PasswordField = "password";

    /// <summary>What a failed sign-in shows.</summary>
    public const string WrongCredentials = "wrong username or password";

    /// <summary>The fields of the page's own forms, never echoed back as hidden OpenID Connect parameters.</summary>
    public static bool IsOwnField(string name) => name is PersonField or UsernameField or PasswordField;

    /// <summary>The page for an authorization request with these parameters, with an error line when a sign-in failed.</summary>
    public static string Render(string action, IReadOnlyList<KeyValuePair<string, string>> parameters, IReadOnlyList<DemoPerson> people, string? error, string? username)
    {
        var html = new StringBuilder(4096);
        html.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · Neocloud Exchange (development)</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
            h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
            .note { color: #57606a; }
            #error { color: #b42318; font-weight: 600; }
            ul { list-style: none; padding: 0; }
            li { margin: 0.35rem 0; }
            button { font: inherit; padding: 0.4rem 0.8rem; cursor: pointer; }
            li button { width: 100%; text-align: left; }
            label { display: block; margin-top: 0.6rem; }
            input { font: inherit; padding: 0.3rem; width: 20rem; max-width: 100%; }
            #sign-in { display: block; margin-top: 1rem; }
            </style>
            </head>
            <body>
            <main>
            <h1>Sign in to Neocloud Exchange</h1>
            <p class="note">Development identity provider: every demo password is <code>demo</code>.</p>

            """);
        if (error is not null) html.Append("<p id=\"error\" role=\"alert\">").Append(Encode(error)).Append("</p>\n");

        html.Append("<h2>Demo people</h2>\n<form id=\"people\" method=\"post\" action=\"").Append(Encode(action)).Append("\">\n");
        AppendHidden(html, parameters);
        html.Append("<ul>\n");
        foreach (var person in people)
        {
            var label = $"Sign in as {person.Name} — {person.Organization} — {string.Join(", ", person.Roles)}";
            html.Append("<li><button type=\"submit\" name=\"").Append(PersonField).Append("\" value=\"").Append(Encode(person.Username))
                .Append("\" data-person=\"").Append(Encode(person.Username)).Append("\">").Append(Encode(label)).Append("</button></li>\n");
        }
        html.Append("</ul>\n</form>\n");

        html.Append("<h2>Username and password</h2>\n<form id=\"credentials\" method=\"post\" action=\"").Append(Encode(action)).Append("\">\n");
        AppendHidden(html, parameters);
        html.Append("<label for=\"username\">Username</label>\n<input id=\"username\" name=\"").Append(UsernameField)
            .Append("\" autocomplete=\"username\" value=\"").Append(Encode(username ?? "")).Append("\">\n");
        html.Append("<label for=\"password\">Password</label>\n<input id=\"password\" name=\"").Append(PasswordField)
            .Append("\" type=\"password\" autocomplete=\"current-password\">\n");
        html.Append("<button id=\"sign-in\" type=\"submit\">Sign in</button>\n</form>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendHidden(StringBuilder html, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            html.Append("<input type=\"hidden\" name=\"").Append(Encode(name)).Append("\" value=\"").Append(Encode(value)).Append("\">\n");
        }
    }

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
