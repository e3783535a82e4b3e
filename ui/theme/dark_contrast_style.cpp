#include "dark_contrast_style.h"

#include <QPainter>
#include <QStyleOption>

namespace paddock::ui {

void DarkContrastStyle::drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                                      const QWidget *widget) const
{
    QProxyStyle::drawPrimitive(element, option, painter, widget);
    if (element != PE_IndicatorCheckBox && element != PE_IndicatorRadioButton)
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, element == PE_IndicatorRadioButton);
    painter->setBrush(Qt::NoBrush);
    painter->setPen(option->palette.color(QPalette::Light).lighter(150));
    const QRectF frame = QRectF(option->rect).adjusted(0.5, 0.5, -0.5, -0.5);
    element == PE_IndicatorRadioButton ? painter->drawEllipse(frame) : painter->drawRect(frame);
    painter->restore();
}

} // namespace paddock::ui
