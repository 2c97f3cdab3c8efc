"""`{% responsive_img image alt %}`: a stored image (featured image, practitioner photo) with srcset and size.

The work is done by the model-independent `uploads.renditions.image_html`.
"""

from django import template

from uploads.renditions import CONTENT_SIZES, image_html

register = template.Library()


@register.simple_tag
def responsive_img(image, alt, sizes=CONTENT_SIZES, lazy=True, css_class=None):
    return image_html(image, alt, sizes=sizes, lazy=lazy, css_class=css_class)
