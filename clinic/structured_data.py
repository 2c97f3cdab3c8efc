"""schema.org `MedicalClinic` for the home and contact pages, from the clinic's record: only what is filled in."""

from articles.structured_data import absolute, json_ld_script


def medical_clinic(clinic, request, url):
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": clinic.name,
        "url": absolute(request, url),
    }
    if clinic.description:
        data["description"] = clinic.description
    if clinic.address_lines:
        address = {"@type": "PostalAddress", "addressCountry": "GB"}
        for key, value in (
            ("streetAddress", clinic.street_address),
            ("addressLocality", clinic.locality),
            ("postalCode", clinic.postcode),
        ):
            if value:
                address[key] = value
        data["address"] = address
    if clinic.phone:
        data["telephone"] = clinic.phone
    if clinic.email:
        data["email"] = clinic.email
    if clinic.hours:
        data["openingHours"] = [hours.schema for hours in clinic.hours]
    if clinic.map_url:
        data["hasMap"] = clinic.map_url
    links = [url for _, url in clinic.social_profiles] + ([clinic.booking_url] if clinic.booking_url else [])
    if links:
        data["sameAs"] = links
    if clinic.logo:
        data["logo"] = absolute(request, clinic.logo.url)
    return data


def medical_clinic_script(clinic, request, url):
    return json_ld_script(medical_clinic(clinic, request, url))
