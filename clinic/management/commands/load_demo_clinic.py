from django.core.management.base import BaseCommand

from clinic.models import ClinicDetails

# Clearly fictional: a 555 number in Ofcom's range for drama (01632 960xxx), example.com addresses,
# and the record marked as demo details.
DEMO_DETAILS = {
    "name": "The Body Lab",
    "description": "A foot, knee and gait clinic. We assess how you walk and move, explain what we find, "
    "and plan treatment with you.",
    "street_address": "1 Example Street",
    "locality": "Exampleton",
    "postcode": "EX1 2MP",
    "phone": "01632 960 555",
    "email": "hello@example.com",
    "opening_hours": "Mo-Fr 09:00-18:00\nSa 09:00-13:00",
    "booking_url": "https://booking.example.com/the-body-lab",
    "map_url": "https://maps.example.com/?q=1+Example+Street",
    "social_links": "https://www.instagram.com/example\nhttps://www.facebook.com/example",
    "help_note": "Book an assessment with us if pain in your foot, knee or hip has lasted more than a few weeks, "
    "keeps coming back, or stops you walking as far as you would like.\n\n"
    "See your GP or call NHS 111 if the pain came on after a fall or injury, if the joint is hot, red or "
    "badly swollen, or if you cannot put weight on your leg. Call 999 if you have chest pain or sudden "
    "weakness or numbness.",
    "is_demo": True,
}


class Command(BaseCommand):
    help = "Fill the clinic's details with fictional demo details, unless an Editor has filled them in."

    def handle(self, *args, **options):
        details = ClinicDetails.objects.filter(pk=1).first()
        if details is not None and not details.is_demo:
            self.stdout.write("Clinic details kept as they are (not demo details).")
            return
        details = details or ClinicDetails()
        for name, value in DEMO_DETAILS.items():
            setattr(details, name, value)
        details.full_clean()
        details.save()
        self.stdout.write("Clinic details: demo details (fictional, marked as such).")
